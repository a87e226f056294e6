import { TENCENT_SMS_DEFAULT_ENDPOINT, type TencentSmsSettings } from '../../integrations/sms/tencent.ts'
import { ConfigError, read, parseUrl, type Env } from '../../core/config-reading.ts'

/** Tencent Cloud SMS as configured: every template the server sends, the bulk-registration one possibly empty. */
export type TencentSmsConfig = TencentSmsSettings & { initialPasswordTemplateId: string }

/** The SMS provider that sends sign-in and registration codes; null means the development outbox (refused in production). */
export type SmsConfig = { provider: 'tencent'; tencent: TencentSmsConfig } | null

const TENCENT_SMS_VARS = [
  'TENCENT_SMS_SECRET_ID',
  'TENCENT_SMS_SECRET_KEY',
  'TENCENT_SMS_SDK_APP_ID',
  'TENCENT_SMS_SIGN_NAME',
  'TENCENT_SMS_TEMPLATE_REGISTER',
  'TENCENT_SMS_TEMPLATE_RESET_PASSWORD',
] as const

export function parseSms(env: Env): SmsConfig {
  const provider = read(env, 'SMS_PROVIDER')
  if (provider === undefined) return null
  if (provider !== 'tencent') throw new ConfigError(`SMS_PROVIDER must be "tencent" or empty, e.g. SMS_PROVIDER=tencent (got "${provider}")`)
  const missing = TENCENT_SMS_VARS.find((name) => read(env, name) === undefined)
  if (missing) throw new ConfigError(`${missing} is required when SMS_PROVIDER=tencent`)
  const value = (name: (typeof TENCENT_SMS_VARS)[number]) => read(env, name) as string
  const endpoint = parseUrl('TENCENT_SMS_ENDPOINT', read(env, 'TENCENT_SMS_ENDPOINT') ?? TENCENT_SMS_DEFAULT_ENDPOINT, ['https:', 'http:'])
  return {
    provider: 'tencent',
    tencent: {
      secretId: value('TENCENT_SMS_SECRET_ID'),
      secretKey: value('TENCENT_SMS_SECRET_KEY'),
      sdkAppId: value('TENCENT_SMS_SDK_APP_ID'),
      signName: value('TENCENT_SMS_SIGN_NAME'),
      templateIds: {
        register: value('TENCENT_SMS_TEMPLATE_REGISTER'),
        reset_password: value('TENCENT_SMS_TEMPLATE_RESET_PASSWORD'),
        bind_phone: read(env, 'TENCENT_SMS_TEMPLATE_BIND_PHONE') ?? value('TENCENT_SMS_TEMPLATE_REGISTER'),
      },
      initialPasswordTemplateId: read(env, 'TENCENT_SMS_TEMPLATE_INITIAL_PASSWORD') ?? '',
      region: read(env, 'TENCENT_SMS_REGION') ?? 'ap-guangzhou',
      endpoint: endpoint.origin,
    },
  }
}

/** Production sends real codes: no development outbox. */
export function requireSmsInProduction(sms: SmsConfig): void {
  if (sms === null) throw new ConfigError('SMS_PROVIDER is required when APP_ENV=production (codes must really be sent)')
}
