import axios, { AxiosError } from 'axios'
import type { ErrorBody } from '@app/shared/errors'
import { ErrorCode } from '@app/shared/error-codes'
import { ApiError, ClientErrorCode } from './api-error.ts'
import { codeForStatus, messageFor } from './error-copy.ts'

// How whatever a request throws becomes one ApiError: the server's ErrorBody when there is one,
// else what the status, axios or the network says, always with Chinese copy.

function isErrorBody(data: unknown): data is ErrorBody {
  if (typeof data !== 'object' || data === null) return false
  const body = data as Record<string, unknown>
  return typeof body.code === 'string' && body.code !== '' && typeof body.message === 'string'
}

function headerRequestId(error: AxiosError): string | undefined {
  const value: unknown = error.response?.headers['x-request-id']
  return typeof value === 'string' && value !== '' ? value : undefined
}

// Axios reports a lost connection differently per adapter: ERR_NETWORK from XHR in the webview,
// the socket's errno code from Node's http adapter (the unit tests run there).
const NETWORK_CODES = new Set([
  'ERR_NETWORK',
  'ECONNABORTED',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

/** An ApiError without an answer from the server, with the H5's copy for its code. */
function clientError(code: ClientErrorCode): ApiError {
  return new ApiError({ status: 0, code, message: messageFor(code) ?? '' })
}

function fromAxiosError(error: AxiosError): ApiError {
  const response = error.response
  if (response) {
    const { status, data } = response
    if (isErrorBody(data)) {
      return new ApiError({
        status,
        code: data.code,
        message: messageFor(data.code) ?? data.message,
        requestId: typeof data.requestId === 'string' && data.requestId !== '' ? data.requestId : headerRequestId(error),
        ...(typeof data.retryAfterSeconds === 'number' ? { retryAfterSeconds: data.retryAfterSeconds } : {}),
      })
    }
    const requestId = headerRequestId(error)
    if (status >= 500) {
      const code = ErrorCode.SERVICE_UNAVAILABLE
      return new ApiError({ status, code, message: messageFor(code) ?? '', requestId })
    }
    const code = codeForStatus(status)
    if (code) return new ApiError({ status, code, message: messageFor(code) ?? '', requestId })
    return new ApiError({ status, code: ClientErrorCode.HTTP_ERROR, message: `请求失败（${status}），请稍后重试`, requestId })
  }

  if (error.code === AxiosError.ERR_CANCELED) return clientError(ClientErrorCode.CANCELED)
  // With clarifyTimeoutError axios reports its own timeout as ETIMEDOUT; ECONNABORTED also covers a
  // request the webview aborted, which is only a timeout when axios says so in the message.
  if (
    error.code === AxiosError.ETIMEDOUT ||
    (error.code === AxiosError.ECONNABORTED && /timeout/i.test(error.message))
  ) {
    return clientError(ClientErrorCode.TIMEOUT)
  }
  if ((error.code !== undefined && NETWORK_CODES.has(error.code)) || error.request !== undefined) {
    return clientError(ClientErrorCode.NETWORK_ERROR)
  }
  return clientError(ClientErrorCode.UNKNOWN)
}

/** Turns anything a request can throw into an ApiError; views and stores only ever see this type. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  if (axios.isAxiosError(error)) return fromAxiosError(error)
  return clientError(ClientErrorCode.UNKNOWN)
}
