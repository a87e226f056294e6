import { ErrorCode } from '@app/shared/error-codes'
import { ClientErrorCode } from './api-error.ts'

// Chinese copy shown to learners. Partial on purpose: a code added on the server before the H5
// learns about it falls back to the server's own message instead of breaking the build.
const MESSAGES: Partial<Record<ErrorCode | ClientErrorCode, string>> = {
  [ClientErrorCode.NETWORK_ERROR]: '网络连接失败，请检查网络后重试',
  [ClientErrorCode.TIMEOUT]: '请求超时，请稍后重试',
  [ClientErrorCode.CANCELED]: '请求已取消',
  [ClientErrorCode.UNKNOWN]: '出现未知错误，请稍后重试',
  [ErrorCode.VALIDATION_FAILED]: '提交的信息有误，请检查后重试',
  [ErrorCode.NOT_FOUND]: '请求的内容不存在',
  [ErrorCode.ROUTE_NOT_FOUND]: '请求的内容不存在',
  [ErrorCode.UNAUTHORIZED]: '登录已失效，请重新登录',
  [ErrorCode.FORBIDDEN]: '没有权限进行此操作',
  [ErrorCode.RATE_LIMITED]: '操作过于频繁，请稍后再试',
  [ErrorCode.PAYLOAD_TOO_LARGE]: '提交的内容过大',
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: '请求格式不受支持，请刷新页面后重试',
  [ErrorCode.INTERNAL]: '服务器开小差了，请稍后重试',
  [ErrorCode.SERVICE_UNAVAILABLE]: '服务暂时不可用，请稍后重试',
  [ErrorCode.WECHAT_UNAVAILABLE]: '微信服务暂时不可用，请稍后重试',
  [ErrorCode.PROJECT_NOT_FOUND]: '培训项目不存在或已下架',
  [ErrorCode.COURSE_NOT_FOUND]: '课程不存在或已下架',
  [ErrorCode.JSSDK_URL_NOT_ALLOWED]: '当前页面地址未获授权，请从公众号菜单重新进入',
}

/** The H5's own Chinese copy for a code, when it has one. */
export function messageFor(code: string): string | undefined {
  return (MESSAGES as Partial<Record<string, string>>)[code]
}

/** When an answer carries no ErrorBody, its status still says roughly what happened. */
const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHORIZED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
}

/** The code a bare 4xx status stands for, if any. */
export function codeForStatus(status: number): ErrorCode | undefined {
  return CODE_BY_STATUS[status]
}
