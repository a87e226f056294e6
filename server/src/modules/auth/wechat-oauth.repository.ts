import { and, eq, gt } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { wechatOauthCodes } from '../../db/schema/security.ts'

/** OAuth codes already exchanged (`wechat_oauth_codes`), remembered by their hash. */

/** The answer a code (by hash) got since `since`, if it was exchanged. */
export async function findExchangedCode(db: AppDb, codeHash: string, since: Date) {
  const [seen] = await db
    .select()
    .from(wechatOauthCodes)
    .where(and(eq(wechatOauthCodes.codeHash, codeHash), gt(wechatOauthCodes.createdAt, since)))
  return seen
}

/** Remembers a code's answer (a concurrent exchange of the same code keeps the first). */
export async function rememberExchangedCode(db: AppDb, row: { codeHash: string; openid: string; isSnapshotUser: boolean; createdAt: Date }): Promise<void> {
  await db
    .insert(wechatOauthCodes)
    .values({ codeHash: row.codeHash, openid: row.openid, isSnapshotUser: row.isSnapshotUser ? 1 : 0, createdAt: row.createdAt })
    .onConflictDoNothing()
}
