import type { AppDb } from '../../db/client.ts'
import type { WechatApiSettings, WechatCallOptions } from './settings.ts'
import { buildQueryUrl, callWechatApi, requireExpiresIn, requireString } from './api-request.ts'
import { withAccessToken } from './access-token.ts'
import { isUsable, readCredential, refreshUnderLock } from './credential-store.ts'

/**
 * The JS-SDK jsapi_ticket. Its call quota is "very limited", so it is cached globally like the
 * access token, in the same table (kind `jsapi_ticket`).
 *
 * @see https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html (附录1)
 */

const ENDPOINT = 'cgi-bin/ticket/getticket'

/** A valid jsapi_ticket; on 40001/40014/42001 the access token is refreshed first, then the ticket. */
export async function getJsapiTicket(db: AppDb, settings: WechatApiSettings, options: WechatCallOptions = {}): Promise<string> {
  const now = options.now ?? Date.now
  const cached = await readCredential(db, settings.appId, 'jsapi_ticket')
  if (isUsable(cached, now())) return cached.value
  return refreshUnderLock(db, settings.appId, 'jsapi_ticket', now, async (tx, locked) => {
    if (isUsable(locked, now())) return locked
    // Lock order is always ticket row, then token row (never the reverse), so this cannot deadlock.
    const body = await withAccessToken(
      tx,
      settings,
      (accessToken) =>
        callWechatApi(
          {
            endpoint: ENDPOINT,
            method: 'GET',
            url: buildQueryUrl(settings.apiBase, '/cgi-bin/ticket/getticket', [
              ['access_token', accessToken],
              ['type', 'jsapi'],
            ]),
          },
          options,
        ),
      options,
    )
    return { value: requireString(body, 'ticket', ENDPOINT), expiresAt: new Date(now() + requireExpiresIn(body, ENDPOINT) * 1000) }
  })
}
