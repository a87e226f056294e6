import { createHash } from 'node:crypto'
import type { AppDb } from '../../db/client.ts'
import { exchangeCode, type OAuthIdentity } from '../../integrations/wechat/oauth.ts'
import type { WechatApiSettings } from '../../integrations/wechat/settings.ts'
import { findExchangedCode, rememberExchangedCode } from './wechat-oauth.repository.ts'

/** WeChat OAuth codes live 5 minutes; a callback replayed within that time gets the first answer. */
const CODE_MEMORY_MS = 5 * 60_000

const hashCode = (code: string) => createHash('sha256').update(code).digest('base64url')

/**
 * Exchanges an OAuth code exactly once. A reloaded or doubled callback (browser prefetch, back
 * button) presents the same code again; WeChat would answer 40163, so we answer from memory.
 */
export async function exchangeCodeOnce(
  db: AppDb,
  settings: WechatApiSettings,
  code: string,
  now: Date,
): Promise<Pick<OAuthIdentity, 'openid' | 'isSnapshotUser'>> {
  const codeHash = hashCode(code)
  const seen = await findExchangedCode(db, codeHash, new Date(now.getTime() - CODE_MEMORY_MS))
  if (seen) return { openid: seen.openid, isSnapshotUser: seen.isSnapshotUser === 1 }
  const identity = await exchangeCode(settings, code)
  await rememberExchangedCode(db, { codeHash, openid: identity.openid, isSnapshotUser: identity.isSnapshotUser, createdAt: now })
  return identity
}

/** Only same-site H5 paths: never an absolute URL (open redirect) and never the API. */
export function safeReturnPath(raw: string | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\') || raw.startsWith('/api')) return '/'
  return raw.length > 512 ? '/' : raw
}
