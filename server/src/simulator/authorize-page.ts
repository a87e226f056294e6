// HTML for the simulated 网页授权 page and WeChat-style error pages. Self-contained (inline CSS,
// no external assets) so it works offline and inside any test browser.
import type { SimUser } from './state.ts'
import { escapeHtml } from './util.ts'

export interface AuthorizeRequest {
  appid: string
  redirectUri: string
  responseType: string
  scope: string
  state: string
}

const STYLE = `
body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#ededed;color:#111}
.bar{background:#f7f7f7;border-bottom:1px solid #ddd;text-align:center;padding:12px;font-size:17px}
.card{background:#fff;margin:12px;border-radius:8px;padding:16px}
.tip{color:#888;font-size:13px;margin:4px 0 12px}
label.row{display:flex;align-items:center;gap:10px;padding:10px 0;border-bottom:1px solid #f0f0f0;font-size:16px}
label.row:last-child{border-bottom:0}
input[type=text]{flex:1;font-size:16px;padding:6px;border:1px solid #ddd;border-radius:4px}
button{display:block;width:100%;font-size:17px;padding:12px;border:0;border-radius:8px;margin-top:12px}
.allow{background:#07c160;color:#fff}.deny{background:#f2f2f2;color:#07c160}
.err{text-align:center;padding:48px 16px}.err h2{font-size:18px;font-weight:normal}.code{color:#888;font-size:14px}`

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,maximum-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`
}

export function errorPage(message: string, code?: number): string {
  const codeLine = code === undefined ? '' : `<p class="code">错误码：${code}</p>`
  return layout('微信网页授权', `<div class="err"><h2>${escapeHtml(message)}</h2>${codeLine}<p class="tip">（微信模拟器）</p></div>`)
}

/**
 * The consent page. Even for snsapi_base (silent in real WeChat) the chooser is shown, because a
 * simulator that picked a user silently would hide which test user is signing in; the most recent
 * user is preselected so one tap on 允许 is enough. Typing a nickname means a new user whatever is
 * selected (the decision route treats it so; AUTHORIZE_SCRIPT also moves the selection to 新用户):
 * with the last user preselected, a typed nickname used to sign in as that user instead.
 */
export function authorizePage(req: AuthorizeRequest, users: SimUser[]): string {
  const hidden = (['appid', 'redirect_uri', 'response_type', 'scope', 'state'] as const)
    .map((name) => {
      const value = { appid: req.appid, redirect_uri: req.redirectUri, response_type: req.responseType, scope: req.scope, state: req.state }[name]
      return `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`
    })
    .join('')
  const rows = users
    .map((u, i) => `<label class="row"><input type="radio" name="user" value="${escapeHtml(u.id)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(u.nickname)}</label>`)
    .join('')
  const what = req.scope === 'snsapi_userinfo' ? '获得你的公开信息（昵称、头像）' : '获取你的身份标识（静默授权 snsapi_base）'
  return layout(
    '微信授权登录',
    `<div class="bar">微信授权登录</div>
<form method="post" action="authorize/decide">${hidden}
<div class="card"><div>网页服务申请${escapeHtml(what)}</div><p class="tip">AppID：${escapeHtml(req.appid)} · 选择一个测试微信用户</p>
${rows}
<label class="row"><input type="radio" name="user" value="new"${users.length === 0 ? ' checked' : ''}> 新用户：<input type="text" name="nickname" maxlength="32" placeholder="输入昵称即以新用户授权" autocomplete="off"></label>
</div>
<div class="card"><label class="row"><input type="checkbox" name="snapshot" value="1"> 快照页模式（虚拟用户，is_snapshotuser=1）</label></div>
<div style="margin:0 12px"><button class="allow" id="allow" name="action" value="allow">允许</button>
<button class="deny" id="deny" name="action" value="deny">拒绝</button></div>
</form><script src="authorize.js"></script>`,
  )
}

/**
 * The page's only script, served from the simulator's own path (the CSP admits no inline script):
 * typing a nickname selects 新用户, choosing an existing user clears the nickname, so what is
 * selected is what 允许 does.
 */
export const AUTHORIZE_SCRIPT = `(() => {
  const nickname = document.querySelector('input[name="nickname"]')
  const newUser = document.querySelector('input[name="user"][value="new"]')
  if (!nickname || !newUser) return
  nickname.addEventListener('input', () => { if (nickname.value.trim() !== '') newUser.checked = true })
  for (const radio of document.querySelectorAll('input[name="user"]')) {
    radio.addEventListener('change', () => { if (radio !== newUser && radio.checked) nickname.value = '' })
  }
})()
`
