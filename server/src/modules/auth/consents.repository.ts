import { CONSENT_KINDS, PRIVACY_POLICY_VERSION } from '@app/shared'
import { consents } from '../../db/schema/users.ts'
import type { Db } from './sessions.repository.ts'

/** Where a consent was given. */
export type ConsentClient = 'register' | 'consent-page'

/** Records both consents (policy, sensitive_id) of one account for the current policy version. */
export async function recordConsents(db: Db, userId: number, client: ConsentClient, now: Date): Promise<void> {
  await db.insert(consents).values(CONSENT_KINDS.map((kind) => ({ userId, policyVersion: PRIVACY_POLICY_VERSION, kind, grantedAt: now, client })))
}
