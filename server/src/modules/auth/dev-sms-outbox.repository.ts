import { desc, eq, or, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { devSmsOutbox, smsCodes } from '../../db/schema/security.ts'
import { blindIndex } from '../../crypto/personal-data.ts'

/** The development outbox table (see dev-sms-outbox.adapter.ts). The phone is stored as its blind index only. */
export async function addOutboxMessage(db: AppDb, message: { phone: string; code: string; purpose: string }): Promise<void> {
  const { phone, ...rest } = message
  await db.insert(devSmsOutbox).values({ ...rest, phoneIndex: blindIndex('phone', phone) })
}

/** Outbox rows sent to this phone (by its blind index; in clear on rows written before encryption at rest). */
export function sentTo(phone: string) {
  return or(eq(devSmsOutbox.phoneIndex, blindIndex('phone', phone)), eq(devSmsOutbox.legacyPhone, phone))
}

export async function readDevOutbox(db: AppDb, phone: string) {
  return db
    .select({ phone: sql<string>`${phone}::text`, purpose: devSmsOutbox.purpose, code: devSmsOutbox.code, sentAt: devSmsOutbox.createdAt })
    .from(devSmsOutbox)
    .where(sentTo(phone))
    .orderBy(desc(devSmsOutbox.id))
    .limit(20)
}

/** The phone's recent codes as the server keeps them (hashed), newest first, to say which message is live. */
export async function readRecentCodes(db: AppDb, phone: string) {
  return db
    .select({ purpose: smsCodes.purpose, codeHash: smsCodes.codeHash, createdAt: smsCodes.createdAt, expiresAt: smsCodes.expiresAt, consumedAt: smsCodes.consumedAt, failedAttempts: smsCodes.failedAttempts })
    .from(smsCodes)
    .where(or(eq(smsCodes.phoneIndex, blindIndex('phone', phone)), eq(smsCodes.legacyPhone, phone)))
    .orderBy(desc(smsCodes.createdAt), desc(smsCodes.id))
    .limit(50)
}
