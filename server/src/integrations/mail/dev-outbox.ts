import { desc, eq } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { devMailOutbox } from '../../db/schema.ts'
import type { MailProvider } from './provider.ts'

/**
 * The development "mail service": messages go to a table shared by all instances, readable by tests
 * and at GET /api/dev/mail-outbox (attachment names only). Refused in production by config.
 */
export function createDevMailOutbox(db: AppDb): MailProvider {
  return {
    name: 'dev-outbox',
    async send(message) {
      await db.insert(devMailOutbox).values({
        to: message.to,
        subject: message.subject,
        text: message.text,
        attachments: message.attachments.map((a) => a.filename),
      })
    },
  }
}

export async function readDevMailOutbox(db: AppDb, to: string) {
  return db
    .select({ to: devMailOutbox.to, subject: devMailOutbox.subject, text: devMailOutbox.text, attachments: devMailOutbox.attachments, sentAt: devMailOutbox.createdAt })
    .from(devMailOutbox)
    .where(eq(devMailOutbox.to, to))
    .orderBy(desc(devMailOutbox.id))
    .limit(20)
}
