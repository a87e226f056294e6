/** The same words as the server's CONSENT_MISSING, shown before anything is sent. */
export const CONSENT_MISSING_MESSAGE = '请阅读并勾选同意《隐私政策》，并单独同意处理您的身份证号（敏感个人信息）'
