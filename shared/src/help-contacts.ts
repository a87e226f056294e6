// Plain TypeScript, no TypeBox: the H5 imports this at runtime (`@app/shared/help-contacts`).

/** One of the manual's hotlines. */
export interface Hotline {
  /** As printed in the manual, e.g. 400-023-9229. */
  number: string
  /** The key to press once connected. */
  extension: string
  label: string
}

/** 咨询方式 (CS-1): the manual's hotlines, chapter 六. */
export const HELP_CONTACTS = {
  accountHotline: { number: '400-023-9229', extension: '1', label: '账号注册、登录、证书问题咨询' },
  technicalHotline: { number: '400-618-7500', extension: '2', label: '学习技术咨询热线' },
} as const satisfies Record<string, Hotline>

/** Customer service for certificate data: the manual's 「证书问题咨询」 line. */
export const CERTIFICATE_SERVICE_PHONE = HELP_CONTACTS.accountHotline.number
