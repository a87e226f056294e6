import { ErrorCode } from '@app/shared'
import { defineError } from '../core/errors.ts'

/** No access token at all. */
export const SignInRequiredError = defineError(ErrorCode.UNAUTHORIZED, '请先登录', 401)
/** A token that expired, or whatever else fails verification (bad signature, `alg: none`, garbage). */
export const AccessTokenExpiredError = defineError(ErrorCode.UNAUTHORIZED, '登录已过期，请重新登录', 401)
export const AccessTokenInvalidError = defineError(ErrorCode.UNAUTHORIZED, '登录状态无效，请重新登录', 401)
/** The token is genuine but its session ended (sign-out, password reset, replayed refresh token). */
export const SessionExpiredError = defineError(ErrorCode.SESSION_EXPIRED, '登录已过期，请重新登录', 401)
export const PasswordChangeRequiredError = defineError(ErrorCode.PASSWORD_CHANGE_REQUIRED, '请先修改初始密码，再继续使用', 403)
/** The account has not agreed to the current 隐私政策 and the separate ID-number consent (POST /api/me/consents). */
export const ConsentRequiredError = defineError(ErrorCode.CONSENT_REQUIRED, '请先阅读并同意《隐私政策》及个人敏感信息处理规则，再继续使用', 403)
/** The session was ended by 修改密码 on another device, or by 忘记密码. */
export const SessionEndedPasswordChangedError = defineError(ErrorCode.SESSION_ENDED_PASSWORD_CHANGED, '您的账号已在其他设备修改密码，请重新登录', 401)
/** The session was ended because staff reset the learner's password. */
export const SessionEndedPasswordResetByStaffError = defineError(ErrorCode.SESSION_ENDED_PASSWORD_RESET_BY_STAFF, '您的密码已由工作人员重置，请使用新密码重新登录', 401)
/** The session signed in through WeChat, and the learner has since unbound that WeChat (解除绑定). */
export const SessionEndedWechatUnboundError = defineError(ErrorCode.SESSION_ENDED_WECHAT_UNBOUND, '您的账号已解除微信绑定，请使用身份证号或手机号和密码登录', 401)

/**
 * Why a session was revoked (stored with it: sessions.revoked_reason). The three that another
 * action caused get an answer of their own, so the device that lost its session can say why.
 */
export type SessionEndReason =
  | 'signed_out'
  | 'refresh_reuse'
  | 'password_changed'
  | 'password_reset'
  | 'staff_password_reset'
  | 'wechat_unbound'
  | 'account_closed'
  // Staff disabled the account, changed its phone or corrected its name and ID number (管理后台).
  | 'staff_account_changed'

/** The 401 for a token whose session ended: the reason's own code, else SESSION_EXPIRED. */
export function sessionEndedError(reason: string | null | undefined): Error {
  switch (reason) {
    case 'password_changed':
    case 'password_reset':
      return new SessionEndedPasswordChangedError()
    case 'staff_password_reset':
      return new SessionEndedPasswordResetByStaffError()
    case 'wechat_unbound':
      return new SessionEndedWechatUnboundError()
    default:
      return new SessionExpiredError()
  }
}

/** Whether an error says the session is over (the refresh cookie is then cleared). */
export function isSessionEndedError(error: unknown): boolean {
  return (
    error instanceof SessionExpiredError ||
    error instanceof SessionEndedPasswordChangedError ||
    error instanceof SessionEndedPasswordResetByStaffError ||
    error instanceof SessionEndedWechatUnboundError
  )
}
