import type { AppContext } from '../../core/app-context.ts'
import { createTencentSmsProvider } from '../../integrations/sms/tencent.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'
import { countingSmsProvider } from '../../plugins/metrics.sms.ts'
import type { SmsConfig } from './auth.config.ts'
import { createDevOutboxProvider } from './dev-sms-outbox.adapter.ts'

/**
 * What other features and the composition may use from auth: the SMS sender (shared with bulk
 * registration's initial passwords), the password hashing staff accounts and imported learners
 * use, and the account changes of the staff console. Everything else in this folder is auth's own.
 */
export { decoyHash, hashPassword, RANDOM_SECRET_PARAMS, verifyPassword } from './passwords.service.ts'
/** Account changes staff make in the console (管理后台 学员), each audited inside its transaction. */
export { changePhoneByStaff, correctIdentityByStaff, setDisabledByStaff, unbindWechatByStaff } from './learner-admin.service.ts'
export { resetPasswordByStaff } from './password-change.service.ts'

export interface SmsSender {
  provider: SmsProvider
  /** True while the development outbox stands in (no provider configured); its route is then mounted. */
  outbox: boolean
}

/**
 * The configured SMS provider (Tencent), or the given one (tests), or else the development outbox;
 * every send counted in the metrics.
 */
export function createSmsSender(ctx: AppContext, config: SmsConfig, given?: SmsProvider | null): SmsSender {
  const configured = given === undefined ? (config ? createTencentSmsProvider(config.tencent) : null) : given
  return {
    provider: countingSmsProvider(configured ?? createDevOutboxProvider(ctx.db, ctx.log)),
    outbox: configured === null,
  }
}

// What the privacy feature (注销账号) uses of sign-in: the account as loaded for 我的, ending every
// session, and clearing the refresh cookie of the device that closed the account.
export { loadUser } from './auth.service.ts'
export { endAllSessions } from './sessions.service.ts'
export { clearRefreshCookie } from './auth-cookies.http.ts'
