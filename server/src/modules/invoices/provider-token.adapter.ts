import { eq } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { providerAccessTokens } from '../../db/schema/invoices.ts'
import type { AccessTokenStore } from '../../integrations/invoice/nuonuo.ts'

/** A token is renewed this long before it expires, so no request ever carries one about to lapse. */
export const TOKEN_REFRESH_AHEAD_MS = 60 * 60_000

/**
 * One access token for the whole deployment, in `provider_access_tokens` (docs/invoices.md). Read
 * without a lock while it is fresh; when it is missing or within an hour of expiry, the first
 * instance takes the row's lock and fetches a new one while the others wait on that lock and then
 * use what it stored: however many instances and restarts, one fetch per expiry.
 */
export function databaseTokenStore(db: AppDb, name: string, now: () => Date): AccessTokenStore {
  type Row = typeof providerAccessTokens.$inferSelect
  const fresh = (row: Row): boolean => row.expiresAt.getTime() - TOKEN_REFRESH_AHEAD_MS > now().getTime()
  return {
    async get(fetchNew) {
      const [current] = await db.select().from(providerAccessTokens).where(eq(providerAccessTokens.name, name))
      if (current && fresh(current)) return current.token
      return db.transaction(async (tx) => {
        await tx.insert(providerAccessTokens).values({ name, token: '', expiresAt: new Date(0), refreshedAt: new Date(0) }).onConflictDoNothing()
        const [locked] = await tx.select().from(providerAccessTokens).where(eq(providerAccessTokens.name, name)).for('update')
        if (locked && fresh(locked)) return locked.token // another instance renewed it while this one waited
        try {
          const next = await fetchNew()
          await tx
            .update(providerAccessTokens)
            .set({ token: next.value, expiresAt: new Date(next.expiresAt), refreshedAt: now() })
            .where(eq(providerAccessTokens.name, name))
          return next.value
        } catch (error) {
          // Renewal failed but the old token still has a while to live: keep using it.
          if (locked && locked.token !== '' && locked.expiresAt.getTime() > now().getTime() + 60_000) return locked.token
          throw error
        }
      })
    },
  }
}
