import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

/** No staff token, or one that is invalid, expired, revoked — or a learner's token (never accepted here). */
export const StaffUnauthorizedError = defineError(ErrorCode.STAFF_UNAUTHORIZED, '请使用工作人员账号登录', 401)
export const StaffForbiddenError = defineError(ErrorCode.STAFF_FORBIDDEN, '当前工作人员账号无权进行此操作', 403)
export const StaffInvalidCredentialsError = defineError(ErrorCode.INVALID_CREDENTIALS, '用户名或密码错误', 401)
export const StaffSignInThrottledError = defineError(ErrorCode.LOGIN_THROTTLED, '登录失败次数过多，请%s分钟后再试', 429)
export const StaffUsernameTakenError = defineError(ErrorCode.VALIDATION_FAILED, '工作人员账号 %s 已存在（重设密码请加 --reset-password）', 409)
