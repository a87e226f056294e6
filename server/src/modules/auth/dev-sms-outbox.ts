import { desc, eq } from 'drizzle-orm'
import { maskPhone } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { devSmsOutbox } from '../../db/schema.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'

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
      await db.insert(devSmsOutbox).values({ phone, code, purpose })
      log.info({ phone: maskPhone(phone), purpose, code }, 'development SMS outbox: verification code')
    },
    async sendInitialPassword({ phone, password }) {
      // Readable at /api/dev/sms-outbox like codes; the password itself is never logged.
      await db.insert(devSmsOutbox).values({ phone, code: password, purpose: 'initial_password' })
      log.info({ phone: maskPhone(phone), purpose: 'initial_password' }, 'development SMS outbox: initial password')
    },
  }
}

export async function readDevOutbox(db: AppDb, phone: string) {
  return db
    .select({ phone: devSmsOutbox.phone, purpose: devSmsOutbox.purpose, code: devSmsOutbox.code, sentAt: devSmsOutbox.createdAt })
    .from(devSmsOutbox)
    .where(eq(devSmsOutbox.phone, phone))
    .orderBy(desc(devSmsOutbox.id))
    .limit(20)
}
