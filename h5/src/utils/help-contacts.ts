// 咨询方式 (CS-1), the manual's chapter 六. A copy of HELP_CONTACTS in shared/src/auth.ts, which is a
// TypeBox module the bundle must not pull in; help-contacts.test.ts keeps the two identical.

export interface Hotline {
  /** As printed in the manual, e.g. 400-023-9229. */
  number: string
  /** The key to press once connected. */
  extension: string
  label: string
}

export const HELP_CONTACTS = {
  accountHotline: { number: '400-023-9229', extension: '1', label: '账号注册、登录、证书问题咨询' },
  technicalHotline: { number: '400-618-7500', extension: '2', label: '学习技术咨询热线' },
} as const satisfies Record<string, Hotline>

/** The manual's line for each hotline, word for word. */
export const HOTLINE_TEXT = {
  accountHotline: '账号注册、登录、证书问题咨询：400-023-9229，按1选择登录注册问题',
  technicalHotline: '学习技术咨询热线：400-618-7500，按2选择售后服务',
} as const

/** A tap-to-call link that dials the number, pauses (`,`) and then presses the extension. */
export function telHref(hotline: Hotline): string {
  return `tel:${hotline.number.replace(/\D/g, '')},${hotline.extension}`
}
