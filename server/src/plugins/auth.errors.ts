import { ErrorCode } from '@app/shared'
import { defineError } from '../errors.ts'

/** No access token at all. */
export const SignInRequiredError = defineError(ErrorCode.UNAUTHORIZED, '请先登录', 401)
/** A token that expired, or whatever else fails verification (bad signature, `alg: none`, garbage). */
export const AccessTokenExpiredError = defineError(ErrorCode.UNAUTHORIZED, '登录已过期，请重新登录', 401)
export const AccessTokenInvalidError = defineError(ErrorCode.UNAUTHORIZED, '登录状态无效，请重新登录', 401)
/** The token is genuine but its session ended (sign-out, password reset, replayed refresh token). */
export const SessionExpiredError = defineError(ErrorCode.SESSION_EXPIRED, '登录已过期，请重新登录', 401)
export const PasswordChangeRequiredError = defineError(ErrorCode.PASSWORD_CHANGE_REQUIRED, '请先修改初始密码，再继续使用', 403)
