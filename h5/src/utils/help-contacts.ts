// 咨询方式 (CS-1), the manual's chapter 六, as the H5 shows it. The hotlines themselves are the
// shared HELP_CONTACTS (@app/shared/help-contacts), which the server uses too.
import type { Hotline } from '@app/shared/help-contacts'

/** The manual's line for each hotline, word for word. */
export const HOTLINE_TEXT = {
  accountHotline: '账号注册、登录、证书问题咨询：400-023-9229，按1选择登录注册问题',
  technicalHotline: '学习技术咨询热线：400-618-7500，按2选择售后服务',
} as const

/** A tap-to-call link that dials the number, pauses (`,`) and then presses the extension. */
export function telHref(hotline: Hotline): string {
  return `tel:${hotline.number.replace(/\D/g, '')},${hotline.extension}`
}
