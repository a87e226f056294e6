import type { AppDb } from '../../db/client.ts'
import type { WechatApiSettings, WechatCallOptions } from './settings.ts'
import { isAccessTokenRejected } from './errors.ts'
import { callWechatApi, requireExpiresIn, requireString } from './api-request.ts'
import type { StoredCredential } from './credential-store.ts'
import { isUsable, readCredential, refreshUnderLock } from './credential-store.ts'

/**
 * The basic access_token from `cgi-bin/stable_token`, cached for every instance in the database.
 * Normal mode returns the same token while it is valid, so nobody invalidates anybody else; force
 * mode kills the old token at once and is limited to 20 calls a day, so it is the last resort.
 *
 * @see https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken
 */

const ENDPOINT = 'cgi-bin/stable_token'

/** A valid access_token, from the cache or (under the row lock) from WeChat. */
export async function getAccessToken(db: AppDb, settings: WechatApiSettings, options: WechatCallOptions = {}): Promise<string> {
  const now = options.now ?? Date.now
  const cached = await readCredential(db, settings.appId, 'access_token')
  if (isUsable(cached, now())) return cached.value
  return refreshAccessToken(db, settings, null, options)
}

/**
 * Replaces a token WeChat rejected (errcode 40001/40014/42001). If another instance has already
 * replaced it, that token is returned. Force mode is used only when the normal call hands back the
 * very token that was rejected.
 */
export async function refreshRejectedAccessToken(
  db: AppDb,
  settings: WechatApiSettings,
  rejectedToken: string,
  options: WechatCallOptions = {},
): Promise<string> {
  return refreshAccessToken(db, settings, rejectedToken, options)
}

/**
 * Calls `fn` with a valid token; if WeChat rejects that token, refreshes it once and calls `fn`
 * again. `fn` must be safe to repeat (it is, for reads such as getticket).
 */
export async function withAccessToken<T>(
  db: AppDb,
  settings: WechatApiSettings,
  fn: (accessToken: string) => Promise<T>,
  options: WechatCallOptions = {},
): Promise<T> {
  const token = await getAccessToken(db, settings, options)
  try {
    return await fn(token)
  } catch (error) {
    if (!isAccessTokenRejected(error)) throw error
    return fn(await refreshRejectedAccessToken(db, settings, token, options))
  }
}

async function refreshAccessToken(
  db: AppDb,
  settings: WechatApiSettings,
  rejected: string | null,
  options: WechatCallOptions,
): Promise<string> {
  const now = options.now ?? Date.now
  return refreshUnderLock(db, settings.appId, 'access_token', now, async (_tx, locked) => {
    // Someone refreshed while we waited for the lock: use theirs.
    if (isUsable(locked, now()) && locked.value !== rejected) return locked
    const fresh = await fetchStableToken(settings, false, options)
    if (rejected === null || fresh.value !== rejected) return fresh
    return fetchStableToken(settings, true, options)
  })
}

async function fetchStableToken(
  settings: WechatApiSettings,
  forceRefresh: boolean,
  options: WechatCallOptions,
): Promise<StoredCredential> {
  const now = options.now ?? Date.now
  const body = await callWechatApi(
    {
      endpoint: ENDPOINT,
      method: 'POST',
      url: `${settings.apiBase}/cgi-bin/stable_token`,
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: settings.appId,
        secret: settings.appSecret,
        force_refresh: forceRefresh,
      }),
    },
    options,
  )
  const value = requireString(body, 'access_token', ENDPOINT)
  return { value, expiresAt: new Date(now() + requireExpiresIn(body, ENDPOINT) * 1000) }
}
