import { desc, eq } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { devSmsOutbox, smsCodes } from '../../db/schema.ts'

/** The development outbox table (see dev-sms-outbox.provider.ts). */
export async function addOutboxMessage(db: AppDb, message: { phone: string; code: string; purpose: string }): Promise<void> {
  await db.insert(devSmsOutbox).values(message)
}

export async function readDevOutbox(db: AppDb, phone: string) {
  return db
    .select({ phone: devSmsOutbox.phone, purpose: devSmsOutbox.purpose, code: devSmsOutbox.code, sentAt: devSmsOutbox.createdAt })
    .from(devSmsOutbox)
    .where(eq(devSmsOutbox.phone, phone))
    .orderBy(desc(devSmsOutbox.id))
    .limit(20)
}

/** The phone's recent codes as the server keeps them (hashed), newest first, to say which message is live. */
export async function readRecentCodes(db: AppDb, phone: string) {
  return db
    .select({ purpose: smsCodes.purpose, codeHash: smsCodes.codeHash, createdAt: smsCodes.createdAt, expiresAt: smsCodes.expiresAt, consumedAt: smsCodes.consumedAt, failedAttempts: smsCodes.failedAttempts })
    .from(smsCodes)
    .where(eq(smsCodes.phone, phone))
    .orderBy(desc(smsCodes.createdAt), desc(smsCodes.id))
    .limit(50)
}
