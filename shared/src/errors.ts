import { Type, type Static } from 'typebox'

/**
 * Every error code the API can answer with. The H5 branches on these and maps them to Chinese copy;
 * a server test asserts that every code the server raises is listed here.
 */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  INTERNAL: 'INTERNAL',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  WECHAT_UNAVAILABLE: 'WECHAT_UNAVAILABLE',
  PROJECT_NOT_FOUND: 'PROJECT_NOT_FOUND',
  COURSE_NOT_FOUND: 'COURSE_NOT_FOUND',
  JSSDK_URL_NOT_ALLOWED: 'JSSDK_URL_NOT_ALLOWED',
  // accounts and sign-in
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  LOGIN_THROTTLED: 'LOGIN_THROTTLED',
  ID_NUMBER_INVALID: 'ID_NUMBER_INVALID',
  ID_NUMBER_TAKEN: 'ID_NUMBER_TAKEN',
  PHONE_INVALID: 'PHONE_INVALID',
  PHONE_TAKEN: 'PHONE_TAKEN',
  REAL_NAME_INVALID: 'REAL_NAME_INVALID',
  PASSWORD_WEAK: 'PASSWORD_WEAK',
  SMS_CODE_INVALID: 'SMS_CODE_INVALID',
  SMS_TOO_FREQUENT: 'SMS_TOO_FREQUENT',
  SMS_DAILY_LIMIT: 'SMS_DAILY_LIMIT',
  SMS_SEND_FAILED: 'SMS_SEND_FAILED',
  RESET_FAILED: 'RESET_FAILED',
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  SESSION_REFRESH_CONFLICT: 'SESSION_REFRESH_CONFLICT',
  WECHAT_ALREADY_BOUND: 'WECHAT_ALREADY_BOUND',
  WECHAT_NOT_BOUND: 'WECHAT_NOT_BOUND',
  // orders and payment
  ORDER_NOT_FOUND: 'ORDER_NOT_FOUND',
  PROJECT_ALREADY_OWNED: 'PROJECT_ALREADY_OWNED',
  ORDER_ALREADY_PENDING: 'ORDER_ALREADY_PENDING',
  ORDER_NOT_PENDING: 'ORDER_NOT_PENDING',
  ORDER_EXPIRED: 'ORDER_EXPIRED',
  INVOICE_INVALID: 'INVOICE_INVALID',
  WECHAT_OPENID_REQUIRED: 'WECHAT_OPENID_REQUIRED',
  PAYER_CHANGED: 'PAYER_CHANGED',
  PAYMENT_UNAVAILABLE: 'PAYMENT_UNAVAILABLE',
  REFUND_NOT_ALLOWED: 'REFUND_NOT_ALLOWED',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode)

/** The one error body every non-2xx API answer carries. */
export const ErrorBodySchema = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String(),
    error: Type.String(),
    message: Type.String(),
    requestId: Type.String(),
  },
  { $id: 'ErrorBody', additionalProperties: false },
)
export type ErrorBody = Static<typeof ErrorBodySchema>

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}
