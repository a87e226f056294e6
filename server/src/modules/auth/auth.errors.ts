import { ErrorCode } from '@app/shared'
import { CONSENT_MISSING_MESSAGE } from '@app/shared/privacy-policy'
import { REAL_NAME_HINT } from '@app/shared/real-name'
import { defineError } from '../../core/errors.ts'

export const InvalidCredentialsError = defineError(ErrorCode.INVALID_CREDENTIALS, '用户名或密码错误', 401)
export const LoginThrottledError = defineError(ErrorCode.LOGIN_THROTTLED, '登录失败次数过多，请%s分钟后再试，或点击“忘记密码”重置密码', 429)
/** 注册 / 忘记密码 tried too often from one address. */
export const AttemptsThrottledError = defineError(ErrorCode.RATE_LIMITED, '尝试次数过多，请%s分钟后再试', 429)
export const IdNumberInvalidError = defineError(ErrorCode.ID_NUMBER_INVALID, '%s', 400)
/** 注册 without ticking both boxes: the 隐私政策, and the separate consent for the ID number. */
export const ConsentMissingError = defineError(ErrorCode.CONSENT_MISSING, CONSENT_MISSING_MESSAGE, 400)
export const IdNumberTakenError = defineError(ErrorCode.ID_NUMBER_TAKEN, '该身份证号码已注册，请直接登录；如忘记密码请点击“忘记密码”', 409)
export const PhoneInvalidError = defineError(ErrorCode.PHONE_INVALID, '请输入正确的11位手机号码', 400)
export const PhoneTakenError = defineError(ErrorCode.PHONE_TAKEN, '该手机号已被其他账号使用，请更换手机号或直接登录', 409)
export const RealNameInvalidError = defineError(ErrorCode.REAL_NAME_INVALID, REAL_NAME_HINT, 400)
export const PasswordWeakError = defineError(ErrorCode.PASSWORD_WEAK, '%s', 400)
export const SmsCodeInvalidError = defineError(ErrorCode.SMS_CODE_INVALID, '短信验证码错误或已过期，请重新获取', 400)
export const SmsTooFrequentError = defineError(ErrorCode.SMS_TOO_FREQUENT, '验证码发送过于频繁，请%s秒后再试', 429)
export const SmsDailyLimitError = defineError(ErrorCode.SMS_DAILY_LIMIT, '今日验证码发送次数已达上限，请明天再试或联系客服', 429)
export const SmsSendFailedError = defineError(ErrorCode.SMS_SEND_FAILED, '短信发送失败，请稍后重试', 503)
export const ResetFailedError = defineError(ErrorCode.RESET_FAILED, '短信验证码错误或已过期，无法重置密码。如手机号已变更，请联系客服 400-023-9229（按1）', 400)
// Defined with the auth plugin (which raises it too); re-exported for the module's own use.
export { SessionExpiredError } from '../../plugins/auth.errors.ts'
export const WechatAlreadyBoundError = defineError(ErrorCode.WECHAT_ALREADY_BOUND, '该微信已绑定其他账号，请先在原账号的“我的”中解除绑定', 409)
export const WechatNotBoundError = defineError(ErrorCode.WECHAT_NOT_BOUND, '当前账号未绑定微信', 404)
export const CurrentPasswordWrongError = defineError(ErrorCode.CURRENT_PASSWORD_WRONG, '当前密码（或短信中的初始密码）不正确', 400)
/** Staff disabled the account (管理后台): no sign-in until they enable it again. */
export const AccountDisabledError = defineError(ErrorCode.ACCOUNT_DISABLED, '该账号已停用，请联系客服 400-023-9229', 403)
