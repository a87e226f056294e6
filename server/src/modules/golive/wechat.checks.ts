import { buildQueryUrl, callWechatApi, requireString } from '../../integrations/wechat/api-request.ts'
import { WechatApiError, WechatBadResponseError, WechatNetworkError } from '../../integrations/wechat/errors.ts'
import { signJsSdkConfig } from '../../integrations/wechat/jssdk.ts'
import { continuingEducationMenu } from '../../integrations/wechat/menu.ts'
import { randomAlphanumeric } from '../../integrations/wechat/random.ts'
import type { CheckItem, GoLiveInput } from './golive.types.ts'
import { bi, item } from './golive.types.ts'

/**
 * Official Account items: access token, jsapi_ticket + a JS-SDK signature, and the menu as WeChat
 * holds it. The token is fetched directly from `cgi-bin/stable_token` in normal mode (never from
 * our cache, which would hide a wrong secret or a missing whitelist entry; normal mode hands back
 * the same token the servers use and invalidates nothing).
 */

const ADMIN_BASIC = '公众号后台 → 设置与开发 → 基本配置 → 公众号开发信息'

const TOKEN_TITLE = bi('获取 access_token', 'Access token obtainable')
const TICKET_TITLE = bi('获取 jsapi_ticket 并计算 JS-SDK 签名', 'jsapi_ticket obtainable and JS-SDK signature computed')
const MENU_TITLE = bi('公众号菜单（以微信保存的为准）', 'Official Account menu, as WeChat holds it')

function callOptions(input: GoLiveInput) {
  return { fetch: input.fetch, timeoutMs: input.timeoutMs ?? 8_000, busyRetryDelayMs: 500 }
}

/** The outgoing address WeChat saw, from errmsg "invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist". */
function whitelistIp(errmsg: string): string | null {
  return /invalid ip ([0-9a-fA-F.:]+)/.exec(errmsg)?.[1] ?? null
}

/** Why the token call failed, and what to do, by errcode (wechat-protocol §2.1). */
function tokenFailure(error: unknown): CheckItem {
  if (error instanceof WechatApiError) {
    const code = error.errcode
    if (code === 40164 || code === 89501 || code === 89503) {
      const ip = whitelistIp(error.errmsg)
      const seen = ip ? `（微信看到的出口 IP：${ip}）` : ''
      const seenEn = ip ? ` (WeChat saw outgoing address ${ip})` : ''
      if (code !== 40164) {
        return item('access_token', TOKEN_TITLE, 'fail', bi(`errcode ${code}：本服务器 IP 的调用正等待管理员确认${seen}`, `errcode ${code}: calls from this server's IP await the administrator's confirmation${seenEn}`),
          bi('公众号管理员在微信中确认「IP 调用提醒」，或把该 IP 加入 IP 白名单后重试。', 'Have the account administrator confirm the IP-call prompt in WeChat, or add the IP to the whitelist, then retry.'))
      }
      return item('access_token', TOKEN_TITLE, 'fail', bi(`errcode 40164：服务器出口 IP 不在公众号 IP 白名单中${seen}`, `errcode 40164: the server's outgoing IP is not on the account's IP whitelist${seenEn}`),
        bi(`在 ${ADMIN_BASIC} → IP白名单 中加入${ip ? ` ${ip}` : '本服务器的出口公网 IP'}（每台服务器、NAT 网关的出口 IP 都要加），保存后约几分钟生效。`,
          `Add ${ip ?? "this server's public outgoing IP"} to the IP whitelist (${ADMIN_BASIC} → IP白名单); every server or NAT gateway address must be listed. It takes effect within minutes.`))
    }
    if (code === 40125 || code === 40001) {
      return item('access_token', TOKEN_TITLE, 'fail', bi(`errcode ${code}：AppSecret 不正确`, `errcode ${code}: the AppSecret is wrong`),
        bi(`把 ${ADMIN_BASIC} → 开发者密码(AppSecret) 填入 WECHAT_APP_SECRET（看不到时只能「重置」，重置后旧密码立即失效，所有用它的系统都要更新）。`,
          `Set WECHAT_APP_SECRET to the 开发者密码 (AppSecret) under ${ADMIN_BASIC}. It can only be reset, not shown again; a reset kills the old secret everywhere.`))
    }
    if (code === 40013) {
      return item('access_token', TOKEN_TITLE, 'fail', bi('errcode 40013：AppID 无效', 'errcode 40013: invalid AppID'),
        bi(`WECHAT_APP_ID 应为 ${ADMIN_BASIC} → 开发者ID(AppID)（wx 开头，服务号的，不是小程序的）。`,
          `WECHAT_APP_ID must be the 开发者ID (AppID, starting with "wx") of the service account under ${ADMIN_BASIC}, not a mini program's.`))
    }
    if (code === 40243) {
      return item('access_token', TOKEN_TITLE, 'fail', bi('errcode 40243：AppSecret 已被冻结', 'errcode 40243: the AppSecret is frozen'),
        bi(`在 ${ADMIN_BASIC} 解冻或重置 AppSecret，并更新 WECHAT_APP_SECRET。`, `Unfreeze or reset the AppSecret under ${ADMIN_BASIC} and update WECHAT_APP_SECRET.`))
    }
    if (code === 45009) {
      return item('access_token', TOKEN_TITLE, 'fail', bi('errcode 45009：今日接口调用次数已用完', 'errcode 45009: the daily API quota is used up'),
        bi('找出重复获取 token 的系统（同一公众号只能有一处刷新），次日再试或在后台「接口权限」清零额度。', 'Find whatever else fetches tokens for this account (only one place may refresh them); retry tomorrow or reset the quota in the admin console.'))
    }
    return item('access_token', TOKEN_TITLE, 'fail', bi(`微信返回 errcode ${code}`, `WeChat answered errcode ${code}`),
      bi('按微信全局返回码说明处理；-1 为系统繁忙，稍后重试。', "Look the errcode up in WeChat's global error table; -1 means busy, retry shortly."))
  }
  return unreachable('access_token', TOKEN_TITLE, error, 'WECHAT_API_BASE', 'api.weixin.qq.com')
}

export function unreachable(id: CheckItem['id'], title: CheckItem['title'], error: unknown, variable: string, host: string): CheckItem {
  const what = error instanceof WechatNetworkError ? `${error.reason}${error.status === undefined ? '' : ` HTTP ${error.status}`}` : error instanceof WechatBadResponseError ? error.message : String((error as Error)?.message ?? error)
  return item(id, title, 'fail', bi(`无法从微信得到正常应答（${what}）`, `No usable answer from WeChat (${what})`),
    bi(`检查服务器能否访问 https://${host}（DNS、防火墙、出站代理），以及 ${variable} 是否被改动（正式环境应留空用默认值）。`,
      `Check that the server can reach https://${host} (DNS, firewall, outbound proxy) and that ${variable} is unset in production (its default is WeChat's host).`))
}

/** Fetches a token the way the servers do (stable_token, normal mode); returns it for the next items. */
export async function checkAccessToken(input: GoLiveInput): Promise<{ item: CheckItem; token: string | null }> {
  const { wechat } = input
  try {
    const body = await callWechatApi(
      {
        endpoint: 'cgi-bin/stable_token',
        method: 'POST',
        url: `${wechat.apiBase}/cgi-bin/stable_token`,
        body: JSON.stringify({ grant_type: 'client_credential', appid: wechat.appId, secret: wechat.appSecret, force_refresh: false }),
      },
      callOptions(input),
    )
    const token = requireString(body, 'access_token', 'cgi-bin/stable_token')
    return {
      token,
      item: item('access_token', TOKEN_TITLE, 'pass', bi(`AppID ${wechat.appId} 的 AppSecret 正确，本服务器 IP 在白名单内`, `AppSecret of ${wechat.appId} accepted; this server's IP is whitelisted`)),
    }
  } catch (error) {
    return { token: null, item: tokenFailure(error) }
  }
}

export async function checkJsapiTicket(input: GoLiveInput, token: string | null): Promise<CheckItem> {
  if (token === null) return item('jsapi_ticket', TICKET_TITLE, 'skip', bi('未取得 access_token，无法检查', 'Not checked: no access token'))
  try {
    const body = await callWechatApi(
      { endpoint: 'cgi-bin/ticket/getticket', method: 'GET', url: buildQueryUrl(input.wechat.apiBase, '/cgi-bin/ticket/getticket', [['access_token', token], ['type', 'jsapi']]) },
      callOptions(input),
    )
    const ticket = requireString(body, 'ticket', 'cgi-bin/ticket/getticket')
    const pageUrl = `${input.publicBaseUrl}/`
    const signature = signJsSdkConfig({ ticket, url: pageUrl, nonceStr: randomAlphanumeric(16), timestamp: Math.floor((input.now ?? Date.now)() / 1000) })
    const host = new URL(input.publicBaseUrl).host
    return item('jsapi_ticket', TICKET_TITLE, 'pass',
      bi(`已取得 jsapi_ticket，已为 ${pageUrl} 计算签名（${signature.slice(0, 8)}…）。页面能否用 JS-SDK 还取决于「JS接口安全域名」是否为 ${host}（微信不提供查询接口，请在后台核对）。`,
        `jsapi_ticket obtained; signature computed for ${pageUrl} (${signature.slice(0, 8)}…). Pages can use the JS-SDK only if the JS接口安全域名 is ${host}; WeChat offers no API to read it, so compare it in the admin console.`))
  } catch (error) {
    if (error instanceof WechatApiError && error.errcode === 48001) {
      return item('jsapi_ticket', TICKET_TITLE, 'fail', bi('errcode 48001：公众号没有 JS-SDK 权限', 'errcode 48001: the account has no JS-SDK permission'),
        bi('JS-SDK 与微信支付需要已认证的服务号；在 公众号后台 → 设置与开发 → 接口权限 查看。', 'The JS-SDK and WeChat Pay need a verified service account; see 设置与开发 → 接口权限.'))
    }
    if (error instanceof WechatApiError) {
      return item('jsapi_ticket', TICKET_TITLE, 'fail', bi(`微信返回 errcode ${error.errcode}`, `WeChat answered errcode ${error.errcode}`),
        bi('按微信全局返回码说明处理后重试。', "Look the errcode up in WeChat's global error table and retry."))
    }
    return unreachable('jsapi_ticket', TICKET_TITLE, error, 'WECHAT_API_BASE', 'api.weixin.qq.com')
  }
}

interface MenuButton {
  name?: unknown
  type?: unknown
  url?: unknown
  sub_button?: unknown
}

/** get_current_selfmenu_info nests sub buttons as {list: […]}; flatten to "parent → child" lines. */
function menuLines(buttons: MenuButton[]): Array<{ path: string; url: string | null }> {
  const lines: Array<{ path: string; url: string | null }> = []
  for (const button of buttons) {
    const subs = (button.sub_button as { list?: MenuButton[] } | undefined)?.list ?? (Array.isArray(button.sub_button) ? (button.sub_button as MenuButton[]) : [])
    if (subs.length === 0) lines.push({ path: String(button.name ?? ''), url: typeof button.url === 'string' ? button.url : null })
    for (const sub of subs) lines.push({ path: `${String(button.name ?? '')} → ${String(sub.name ?? '')}`, url: typeof sub.url === 'string' ? sub.url : null })
  }
  return lines
}

export async function checkMenu(input: GoLiveInput, token: string | null): Promise<CheckItem> {
  if (token === null) return item('menu', MENU_TITLE, 'skip', bi('未取得 access_token，无法检查', 'Not checked: no access token'))
  const expected = continuingEducationMenu(input.publicBaseUrl).button[0]?.sub_button?.[0]?.url ?? ''
  const fix = bi('运行 `pnpm --filter @app/scripts create-menu` 创建「继续教育 → 公需科目」菜单（会替换后台手工编辑的菜单）。',
    'Run `pnpm --filter @app/scripts create-menu` to create 继续教育 → 公需科目 (it replaces a menu edited in the admin console).')
  let body: Record<string, unknown>
  try {
    body = await callWechatApi(
      { endpoint: 'cgi-bin/get_current_selfmenu_info', method: 'GET', url: buildQueryUrl(input.wechat.apiBase, '/cgi-bin/get_current_selfmenu_info', [['access_token', token]]) },
      callOptions(input),
    )
  } catch (error) {
    if (error instanceof WechatApiError) {
      return item('menu', MENU_TITLE, 'fail', bi(`读取菜单失败：errcode ${error.errcode}`, `Reading the menu failed: errcode ${error.errcode}`), fix)
    }
    return unreachable('menu', MENU_TITLE, error, 'WECHAT_API_BASE', 'api.weixin.qq.com')
  }
  const buttons = ((body.selfmenu_info as { button?: MenuButton[] } | undefined)?.button ?? []) as MenuButton[]
  if (body.is_menu_open !== 1 || buttons.length === 0) {
    return item('menu', MENU_TITLE, 'fail', bi('公众号没有菜单', 'The account has no menu'), fix)
  }
  const lines = menuLines(buttons)
  const shown = lines.map((line) => `${line.path}${line.url ? ` (${line.url})` : ''}`).join('; ')
  if (lines.some((line) => line.url === expected)) {
    return item('menu', MENU_TITLE, 'pass', bi(`微信保存的菜单：${shown}`, `Menu held by WeChat: ${shown}`))
  }
  return item('menu', MENU_TITLE, 'fail',
    bi(`微信保存的菜单没有指向 ${expected} 的按钮：${shown}`, `No button of the menu WeChat holds opens ${expected}: ${shown}`), fix)
}
