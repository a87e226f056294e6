import type { AppDb } from '../../db/client.ts'
import type { WechatApiSettings, WechatCallOptions } from './settings.ts'
import { withAccessToken } from './access-token.ts'
import { buildQueryUrl, callWechatApi } from './api-request.ts'

/**
 * The Official Account menu (WX-2): 继续教育 → 公需科目, a link into the H5 through our OAuth entry.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html
 */

export interface MenuButton {
  name: string
  type?: 'view'
  url?: string
  sub_button?: MenuButton[]
}

/** The menu the manual describes; the link goes through /api/auth/wechat/start so OAuth runs first. */
export function continuingEducationMenu(publicBaseUrl: string): { button: MenuButton[] } {
  const entry = (returnTo: string) => `${publicBaseUrl}/api/auth/wechat/start?returnTo=${encodeURIComponent(returnTo)}`
  return {
    button: [
      {
        name: '继续教育',
        sub_button: [{ type: 'view', name: '公需科目', url: entry('/') }],
      },
    ],
  }
}

/** Creates (replaces) the menu with `cgi-bin/menu/create`, using the cached stable access token. */
export async function createMenu(
  db: AppDb,
  settings: WechatApiSettings,
  menu: { button: MenuButton[] },
  options: WechatCallOptions = {},
): Promise<void> {
  const body = JSON.stringify(menu)
  await withAccessToken(
    db,
    settings,
    (accessToken) =>
      callWechatApi(
        {
          endpoint: 'cgi-bin/menu/create',
          method: 'POST',
          url: buildQueryUrl(settings.apiBase, '/cgi-bin/menu/create', [['access_token', accessToken]]),
          body,
        },
        options,
      ),
    options,
  )
}
