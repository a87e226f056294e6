import { CERTIFICATE_SERVICE_PHONE, ErrorCode } from '@app/shared'
import { defineError } from '../../core/errors.ts'

export const NotEnrolledError = defineError(ErrorCode.NOT_ENROLLED, '您尚未购买该培训项目', 403)
/** The argument is the 学时 still missing, so the learner knows how far they are. */
export const PlanNotCompletedError = defineError(ErrorCode.PLAN_NOT_COMPLETED, '培训计划尚未完成，还差 %s 学时，完成后即可打印证书', 409)
export const CertificateDataMismatchError = defineError(ErrorCode.CERTIFICATE_DATA_MISMATCH, `姓名或身份证号与账号信息不一致。证书信息以账号为准，如需更正请联系客服 ${CERTIFICATE_SERVICE_PHONE}`, 422)
export const OrganisationNotFoundError = defineError(ErrorCode.ORGANISATION_NOT_FOUND, '未找到该单位，请重新选择；若查找不到贵单位，请选择您档案所在区县', 422)
export const DistrictNotFoundError = defineError(ErrorCode.DISTRICT_NOT_FOUND, '请选择重庆市的区县', 422)
export const CertificateNotFoundError = defineError(ErrorCode.CERTIFICATE_NOT_FOUND, '证书不存在', 404)
export const VerifyRateLimitedError = defineError(ErrorCode.RATE_LIMITED, '查询过于频繁，请稍后再试', 429)
