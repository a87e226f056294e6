import type { AppDb } from '../../db/client.ts'
import { ConsentMissingError } from './auth.errors.ts'
import { recordConsents } from './consents.repository.ts'

/** Both boxes must be ticked: the 隐私政策, and separately the ID number as sensitive personal information (PIPL art. 29). */
export function requireConsents(body: { agreePolicy?: boolean; consentSensitiveId?: boolean }): void {
  if (body.agreePolicy !== true || body.consentSensitiveId !== true) throw new ConsentMissingError()
}

/**
 * POST /api/me/consents: an account asked again (WeChat binding, first sign-in of a bulk-registered
 * account, a new policy version) records both consents for the current version. Giving them again
 * for the same version only adds rows: the newest time is the one that counts.
 */
export async function giveConsents(db: AppDb, userId: number, body: { agreePolicy: boolean; consentSensitiveId: boolean }, now: Date): Promise<void> {
  requireConsents(body)
  await db.transaction(async (tx) => recordConsents(tx, userId, 'consent-page', now))
}
