import { and, eq } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { wechatCredentials } from '../../db/schema/wechat.ts'

/**
 * The shared cache of WeChat credentials (stable access_token, jsapi_ticket) in `wechat_credentials`.
 * Refreshes run under a row lock so that, across all server instances, one caller asks WeChat and
 * the others wait and then reuse its answer (docs/wechat-protocol.md §2.1–2.3, §5.14).
 */

export type CredentialKind = 'access_token' | 'jsapi_ticket'

export interface StoredCredential {
  value: string
  expiresAt: Date
}

/** Reuse a credential only while it has more than 5 minutes left; WeChat renews stable tokens in that window. */
export const REFRESH_MARGIN_MS = 5 * 60_000

export function isUsable(credential: StoredCredential | undefined, nowMs: number): credential is StoredCredential {
  return credential !== undefined && credential.value !== '' && credential.expiresAt.getTime() - nowMs > REFRESH_MARGIN_MS
}

/** Plain read, no lock: readers never wait for a refresh in progress. */
export async function readCredential(db: AppDb, appId: string, kind: CredentialKind): Promise<StoredCredential | undefined> {
  const [row] = await db
    .select({ value: wechatCredentials.value, expiresAt: wechatCredentials.expiresAt })
    .from(wechatCredentials)
    .where(and(eq(wechatCredentials.appId, appId), eq(wechatCredentials.kind, kind)))
  return row
}

/**
 * Runs `produce` while holding the row lock for (appId, kind) and stores what it returns. `produce`
 * gets the row as it is after the lock, so it can see that another instance already refreshed; it
 * returns the same object to keep the row unchanged. Work done inside `produce` must use `tx`
 * (PGlite has one connection: a query on the outer handle would wait for this transaction).
 */
export async function refreshUnderLock(
  db: AppDb,
  appId: string,
  kind: CredentialKind,
  nowMs: () => number,
  produce: (tx: AppDb, locked: StoredCredential) => Promise<StoredCredential>,
): Promise<string> {
  return db.transaction(async (tx) => {
    // An expired placeholder row gives SELECT … FOR UPDATE something to lock on the very first refresh.
    await tx.insert(wechatCredentials).values({ appId, kind, value: '', expiresAt: new Date(0) }).onConflictDoNothing()
    const where = and(eq(wechatCredentials.appId, appId), eq(wechatCredentials.kind, kind))
    const [locked] = await tx
      .select({ value: wechatCredentials.value, expiresAt: wechatCredentials.expiresAt })
      .from(wechatCredentials)
      .where(where)
      .for('update')
    if (!locked) throw new Error(`wechat_credentials row (${kind}) vanished under lock`)
    const next = await produce(tx, locked)
    if (next !== locked) {
      await tx
        .update(wechatCredentials)
        .set({ value: next.value, expiresAt: next.expiresAt, updatedAt: new Date(nowMs()) })
        .where(where)
    }
    return next.value
  })
}
