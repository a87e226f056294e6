import type { SmsProvider, SmsPurpose } from './provider.ts'
import { SmsSendError } from './provider.ts'
import { signTc3 } from './tc3.ts'

/**
 * Tencent Cloud SMS (腾讯云短信), API 3.0 action SendSms, version 2021-01-11, signed with TC3.
 * This module never logs: every failure is reported as an SmsSendError whose message carries only
 * Tencent's error code and RequestId, never the phone, the code, Tencent's free-text Message (which
 * may echo the number) or credentials.
 *
 * @see https://cloud.tencent.com/document/api/382/55981 (SendSms)
 * @see https://cloud.tencent.com/document/api/382/52075 (common error codes)
 * @see https://cloud.tencent.com/document/api/382/59177 (SMS error codes)
 */

export const TENCENT_SMS_DEFAULT_ENDPOINT = 'https://sms.tencentcloudapi.com'
const SERVICE = 'sms'
const ACTION = 'SendSms'
const VERSION = '2021-01-11'
const CONTENT_TYPE = 'application/json; charset=utf-8'
const TIMEOUT_MS = 10_000

export interface TencentSmsSettings {
  secretId: string
  secretKey: string
  /** SmsSdkAppId */
  sdkAppId: string
  /** SignName (短信签名) */
  signName: string
  /** TemplateId per purpose; every template takes the parameters [code, ttlMinutes]. */
  templateIds: Record<SmsPurpose, string>
  /** TemplateId for the initial password of a bulk-registered learner; takes [password]. Empty: not configured. */
  initialPasswordTemplateId?: string
  /** e.g. ap-guangzhou */
  region: string
  /** Normally TENCENT_SMS_DEFAULT_ENDPOINT; configurable so a stand-in can be used. */
  endpoint: string
}

export interface TencentSmsDeps {
  fetch?: typeof fetch
  now?: () => number
  /** Overrides the 10 s request timeout (tests). */
  timeoutMs?: number
}

interface TencentResponse {
  Response?: {
    Error?: { Code?: unknown }
    SendStatusSet?: Array<{ Code?: unknown }>
    RequestId?: unknown
  }
}

const MAINLAND_MOBILE = /^1\d{10}$/

export function createTencentSmsProvider(settings: TencentSmsSettings, deps: TencentSmsDeps = {}): SmsProvider {
  async function send(phone: string, templateId: string, params: string[]): Promise<void> {
    const payload = JSON.stringify({
      PhoneNumberSet: [`+86${phone}`],
      SmsSdkAppId: settings.sdkAppId,
      SignName: settings.signName,
      TemplateId: templateId,
      TemplateParamSet: params,
    })
    const { status, text } = await postTencentSms(settings, ACTION, payload, deps)
    checkResponse(status, text)
  }

  return {
    name: 'tencent',
    async sendVerificationCode({ phone, code, purpose, ttlMinutes }) {
      if (!MAINLAND_MOBILE.test(phone)) {
        throw new SmsSendError('phone is not an 11-digit mainland number', 'InvalidPhone')
      }
      const templateId = settings.templateIds[purpose]
      if (!templateId) throw new SmsSendError(`no SMS template configured for ${purpose}`, 'MissingTemplate')

      await send(phone, templateId, [code, String(ttlMinutes)])
    },
    async sendInitialPassword({ phone, password }) {
      if (!MAINLAND_MOBILE.test(phone)) throw new SmsSendError('phone is not an 11-digit mainland number', 'InvalidPhone')
      const templateId = settings.initialPasswordTemplateId
      if (!templateId) throw new SmsSendError('no SMS template configured for initial passwords (TENCENT_SMS_TEMPLATE_INITIAL_PASSWORD)', 'MissingTemplate')
      await send(phone, templateId, [password])
    },
  }
}

/** Throws unless Tencent accepted the message for our single number. */
function checkResponse(status: number, text: string): void {
  const result = parseTencentResponse(status, text) as NonNullable<TencentResponse['Response']>
  const requestId = safeToken(result.RequestId)
  const suffix = requestId ? ` (RequestId ${requestId})` : ''
  const sent = result.SendStatusSet?.[0]
  if (!sent) throw new SmsSendError(`Tencent SMS returned no send status${suffix}`, undefined, false)
  if (sent.Code !== 'Ok') {
    const code = safeToken(sent.Code) ?? 'Unknown'
    throw new SmsSendError(`Tencent SMS did not send: ${code}${suffix}`, code, isRetryable(code))
  }
}

/** The `Response` object of an API 3.0 answer; throws SmsSendError for `Response.Error` or a non-JSON body. */
export function parseTencentResponse(status: number, text: string): Record<string, unknown> {
  let body: TencentResponse
  try {
    body = JSON.parse(text) as TencentResponse
  } catch {
    throw new SmsSendError(`Tencent SMS answered HTTP ${status} without JSON`, undefined, status >= 500)
  }
  const result = body.Response
  if (!result) throw new SmsSendError(`Tencent SMS answered HTTP ${status} without Response`, undefined, status >= 500)
  if (result.Error) {
    const requestId = safeToken(result.RequestId)
    const code = safeToken(result.Error.Code) ?? 'Unknown'
    throw new SmsSendError(`Tencent SMS error ${code}${requestId ? ` (RequestId ${requestId})` : ''}`, code, isRetryable(code))
  }
  return result as Record<string, unknown>
}

/**
 * Only transient server-side trouble and API rate limiting are worth retrying; per-number limits
 * (LimitExceeded.*), bad numbers and configuration errors will fail the same way again.
 */
function isRetryable(code: string): boolean {
  return code.startsWith('InternalError') || code.startsWith('RequestLimitExceeded')
}

/**
 * One signed API 3.0 call to the SMS service; answers the HTTP status and body text. Transport
 * failures become SmsSendError (never carrying the payload, which holds phone numbers).
 */
export async function postTencentSms(
  settings: Pick<TencentSmsSettings, 'secretId' | 'secretKey' | 'region' | 'endpoint'>,
  action: string,
  payload: string,
  deps: TencentSmsDeps = {},
): Promise<{ status: number; text: string }> {
  const url = new URL('/', settings.endpoint || TENCENT_SMS_DEFAULT_ENDPOINT)
  const timestamp = Math.floor((deps.now ?? Date.now)() / 1000)
  const { authorization } = signTc3({
    secretId: settings.secretId,
    secretKey: settings.secretKey,
    service: SERVICE,
    host: url.host,
    contentType: CONTENT_TYPE,
    timestamp,
    payload,
  })
  try {
    const response = await (deps.fetch ?? fetch)(url, {
      method: 'POST',
      headers: {
        Authorization: authorization,
        'Content-Type': CONTENT_TYPE,
        Host: url.host,
        'X-TC-Action': action,
        'X-TC-Version': VERSION,
        'X-TC-Timestamp': String(timestamp),
        'X-TC-Region': settings.region,
      },
      body: payload,
      signal: AbortSignal.timeout(deps.timeoutMs ?? TIMEOUT_MS),
    })
    return { status: response.status, text: await response.text() }
  } catch (error) {
    throw transportError(error)
  }
}

function transportError(error: unknown): SmsSendError {
  const name = error instanceof Error ? error.name : ''
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new SmsSendError('Tencent SMS request timed out', 'Timeout', true)
  }
  // undici puts the socket error (ECONNREFUSED, ECONNRESET, ...) on `cause.code`.
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined
  const detail = safeToken(cause?.code)
  return new SmsSendError(`Tencent SMS request failed${detail ? ` (${detail})` : ''}`, 'NetworkError', true)
}

/** Codes and ids from the wire go into messages only if they look like codes, so nothing else leaks. */
export function safeToken(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(value) ? value : undefined
}
