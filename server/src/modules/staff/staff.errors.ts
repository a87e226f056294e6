import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

/** No staff token, or one that is invalid, expired, revoked — or a learner's token (never accepted here). */
export const StaffUnauthorizedError = defineError(ErrorCode.STAFF_UNAUTHORIZED, '请使用工作人员账号登录', 401)
export const StaffForbiddenError = defineError(ErrorCode.STAFF_FORBIDDEN, '当前工作人员账号无权进行此操作', 403)
export const StaffInvalidCredentialsError = defineError(ErrorCode.INVALID_CREDENTIALS, '用户名或密码错误', 401)
export const StaffSignInThrottledError = defineError(ErrorCode.LOGIN_THROTTLED, '登录失败次数过多，请%s分钟后再试', 429)
export const StaffUsernameTakenError = defineError(ErrorCode.STAFF_USERNAME_TAKEN, '工作人员账号 %s 已存在', 409)
/** 15 idle minutes: the console shows its lock screen and sends the request again after unlocking. */
export const StaffSessionLockedError = defineError(ErrorCode.STAFF_SESSION_LOCKED, '超过 15 分钟未操作，已锁定，请输入密码和动态码解锁', 401)
export const StaffTotpInvalidError = defineError(ErrorCode.STAFF_TOTP_INVALID, '动态码不正确或已使用过，请等待身份验证器显示新的动态码后重试', 401)
export const StaffPasswordChangeRequiredError = defineError(ErrorCode.STAFF_PASSWORD_CHANGE_REQUIRED, '请先修改管理员设置的一次性密码', 403)
export const StaffAccountNotFoundError = defineError(ErrorCode.STAFF_ACCOUNT_NOT_FOUND, '工作人员账号不存在', 404)
export const StaffPasswordWeakError = defineError(ErrorCode.PASSWORD_WEAK, '%s', 422)
export const StaffCurrentPasswordWrongError = defineError(ErrorCode.CURRENT_PASSWORD_WRONG, '当前密码不正确', 422)
