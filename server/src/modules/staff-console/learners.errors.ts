import { ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

export const LearnerNotFoundError = defineError(ErrorCode.LEARNER_NOT_FOUND, '学员不存在', 404)
/** 更换手机号: what the caller said does not match the account; the answer never says which part. */
export const LearnerIdentityMismatchError = defineError(ErrorCode.LEARNER_IDENTITY_MISMATCH, '来电人提供的姓名或身份证号与账号信息不一致，不能更换手机号', 422)
export const LearnerHasCertificateError = defineError(ErrorCode.LEARNER_HAS_CERTIFICATE, '该学员已有证书，姓名和身份证号不能再更正', 409)
/** A closed (注销) account holds no personal data and signs in nowhere: nothing left to act on. */
export const LearnerClosedError = defineError(ErrorCode.ACCOUNT_ALREADY_CLOSED, '该学员账号已注销，不能再进行此操作', 409)
