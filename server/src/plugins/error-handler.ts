import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorCode, isErrorCode, type ErrorBody } from '@app/shared'
import { describeError } from '../core/logger.ts'
import { isDatabaseUnavailable } from '../db/unavailable.ts'

// Fastify's own error codes that are really the client's fault, mapped to our stable codes.
const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: ErrorCode.PAYLOAD_TOO_LARGE, message: '提交的内容过大' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: '不支持的内容类型' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: ErrorCode.VALIDATION_FAILED, message: '提交的内容不是有效的 JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: ErrorCode.VALIDATION_FAILED, message: '提交的内容为空' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: ErrorCode.VALIDATION_FAILED, message: '请求长度不正确' },
  FST_JWT_NO_AUTHORIZATION_IN_HEADER: { code: ErrorCode.UNAUTHORIZED, message: '请先登录' },
  FST_JWT_AUTHORIZATION_TOKEN_EXPIRED: { code: ErrorCode.UNAUTHORIZED, message: '登录已过期，请重新登录' },
  FST_JWT_AUTHORIZATION_TOKEN_INVALID: { code: ErrorCode.UNAUTHORIZED, message: '登录状态无效，请重新登录' },
  FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED: { code: ErrorCode.UNAUTHORIZED, message: '登录状态无效，请重新登录' },
  FST_JWT_BAD_REQUEST: { code: ErrorCode.UNAUTHORIZED, message: '登录状态无效，请重新登录' },
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

export function errorBody(request: FastifyRequest, statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, code, error: STATUS_TEXT[statusCode] ?? 'Error', message, requestId: String(request.id) }
}

/**
 * A PostgreSQL "data exception" (SQLSTATE class 22: NUL in text, a number out of range, bad input
 * syntax) can only come from request content the schemas let through: the client's error, not ours.
 */
function isDataException(error: unknown, depth = 0): boolean {
  const e = error as { code?: unknown; cause?: unknown } | null
  if (!e || typeof e !== 'object' || depth > 3) return false
  if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code)) return true
  return isDataException(e.cause, depth + 1)
}

export function sendError(request: FastifyRequest, reply: FastifyReply, statusCode: number, code: string, message: string) {
  return reply.code(statusCode).header('cache-control', 'no-store').send(errorBody(request, statusCode, code, message))
}

function toBody(error: FastifyError, request: FastifyRequest): ErrorBody {
  if (error.validation) {
    const first = error.validation[0]
    const where = first?.instancePath ? `${error.validationContext ?? ''}${first.instancePath}` : (error.validationContext ?? '')
    const detail = first?.message ? `（${where} ${first.message}）` : ''
    return errorBody(request, 400, ErrorCode.VALIDATION_FAILED, `请求参数不正确${detail}`)
  }
  if (isDataException(error)) return errorBody(request, 400, ErrorCode.VALIDATION_FAILED, '请求参数不正确')
  const known = error.code ? FASTIFY_CODES[error.code] : undefined
  if (known) return errorBody(request, error.statusCode ?? 400, known.code, known.message)
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500 && isErrorCode(error.code)) {
    const body = errorBody(request, status, error.code, error.message)
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds
    return typeof retryAfter === 'number' ? { ...body, retryAfterSeconds: retryAfter } : body
  }
  if (status === 429) return errorBody(request, 429, ErrorCode.RATE_LIMITED, '操作过于频繁，请稍后再试')
  if (status >= 400 && status < 500) {
    return errorBody(request, status, status === 404 ? ErrorCode.NOT_FOUND : ErrorCode.VALIDATION_FAILED, '请求无法处理')
  }
  if (status === 503 && isErrorCode(error.code)) return errorBody(request, 503, error.code, error.message)
  // The database is unreachable (restarting, network): fail fast and cleanly; the client retries.
  if (isDatabaseUnavailable(error)) return errorBody(request, 503, ErrorCode.SERVICE_UNAVAILABLE, '服务暂时繁忙，请稍后重试')
  // 5xx: never leak internals; the request id lets operators find the logged cause.
  return errorBody(request, 500, ErrorCode.INTERNAL, '服务器开小差了，请稍后重试')
}

/** One error shape for the whole API: {statusCode, code, error, message, requestId}. */
export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const body = toBody(error, request)
      if (body.statusCode === 503 && body.code === ErrorCode.SERVICE_UNAVAILABLE) request.log.warn({ err: { type: error.name, code: error.code } }, 'database unavailable')
      else if (body.statusCode >= 500) request.log.error({ err: describeError(error) }, 'request failed')
      else request.log.info({ code: body.code, statusCode: body.statusCode }, 'request refused')
      if (body.retryAfterSeconds !== undefined) reply.header('retry-after', String(body.retryAfterSeconds))
      return reply.code(body.statusCode).header('cache-control', 'no-store').send(body)
    })
  },
  { name: 'error-handler' },
)
