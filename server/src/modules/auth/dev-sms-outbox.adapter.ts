import { maskPhone } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'
import { addOutboxMessage } from './dev-sms-outbox.repository.ts'

interface Log {
  info(obj: object, msg?: string): void
}

/**
 * The development "SMS provider": codes go to a table (shared by all instances) readable at
 * GET /api/dev/sms-outbox, and to the log with the phone masked. Never used in production.
 */
export function createDevOutboxProvider(db: AppDb, log: Log): SmsProvider {
  return {
    name: 'dev-outbox',
    async sendVerificationCode({ phone, code, purpose }) {
      await addOutboxMessage(db, { phone, code, purpose })
      log.info({ phone: maskPhone(phone), purpose, code }, 'development SMS outbox: verification code')
    },
    async sendInitialPassword({ phone, password }) {
      // Readable at /api/dev/sms-outbox like codes; the password itself is never logged.
      await addOutboxMessage(db, { phone, code: password, purpose: 'initial_password' })
      log.info({ phone: maskPhone(phone), purpose: 'initial_password' }, 'development SMS outbox: initial password')
    },
  }
}
