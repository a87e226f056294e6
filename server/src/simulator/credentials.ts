// Lifetimes and quotas of everything api.weixin.qq.com hands out: OAuth codes, web tokens,
// basic and stable access tokens, jsapi_tickets. Pure logic over an injectable clock so expiry
// rules (§1.3, §2.1–2.3) can be tested without waiting.
import { chinaDay, DAY, MINUTE, randomHex, randomToken, SECOND } from './util.ts'

export interface Limits { tokenPerDay: number; ticketPerDay: number; stableForcePerDay: number }
export type Outcome<T> = { ok: true; value: T } | { ok: false; errcode: number; errmsg: string }

export interface WebGrant { appid: string; openid: string; scope: string; snapshot: boolean }
interface Code extends WebGrant { expiresAt: number; used: boolean }
interface WebToken extends WebGrant { expiresAt: number }
interface RefreshToken extends WebGrant { expiresAt: number }
interface BasicToken { appid: string; expiresAt: number; stable: boolean }
interface Ticket { ticket: string; expiresAt: number; forToken: string }

const CODE_TTL = 5 * MINUTE
const WEB_TOKEN_TTL = 7200 * SECOND
const REFRESH_TTL = 30 * DAY
const TOKEN_TTL = 7200 * SECOND
const GRACE = 5 * MINUTE
const FORCE_SPACING = 30 * SECOND

const fail = (errcode: number, errmsg: string) => ({ ok: false as const, errcode, errmsg })
const ok = <T>(value: T) => ({ ok: true as const, value })
const INVALID_TOKEN = fail(40001, 'invalid credential, access_token is invalid or not latest')
const EXPIRED_TOKEN = fail(42001, 'access_token expired')

export class Credentials {
  private readonly codes = new Map<string, Code>()
  private readonly webTokens = new Map<string, WebToken>()
  private readonly refreshTokens = new Map<string, RefreshToken>()
  private readonly basicTokens = new Map<string, BasicToken>()
  private readonly latestBasic = new Map<string, string>()
  private readonly stable = new Map<string, { token: string; lastForce?: number }>()
  private readonly tickets = new Map<string, { current?: Ticket; previous?: Ticket }>()
  private readonly counters = new Map<string, number>()

  constructor(private readonly now: () => number, private readonly limits: Limits) {}

  issueCode(grant: WebGrant): string {
    const code = randomToken(32)
    this.codes.set(code, { ...grant, expiresAt: this.now() + CODE_TTL, used: false })
    return code
  }

  /** Single use: a second redemption is 40163 even if the first one happened a moment ago. */
  redeemCode(appid: string, code: string): Outcome<WebGrant> {
    const entry = this.codes.get(code)
    if (!entry || entry.appid !== appid) return fail(40029, 'invalid code')
    if (entry.used) return fail(40163, 'code been used')
    if (this.now() >= entry.expiresAt) return fail(42003, 'code expired')
    entry.used = true
    return ok({ appid: entry.appid, openid: entry.openid, scope: entry.scope, snapshot: entry.snapshot })
  }

  issueWebToken(grant: WebGrant, refreshToken?: string): { accessToken: string; refreshToken: string; expiresIn: number } {
    const accessToken = randomToken(110)
    this.webTokens.set(accessToken, { ...grant, expiresAt: this.now() + WEB_TOKEN_TTL })
    let refresh = refreshToken
    if (!refresh) {
      refresh = randomToken(110)
      this.refreshTokens.set(refresh, { ...grant, expiresAt: this.now() + REFRESH_TTL })
    }
    return { accessToken, refreshToken: refresh, expiresIn: WEB_TOKEN_TTL / SECOND }
  }

  /** The refresh token keeps its original 30-day life; it is never extended (§1.4). */
  useRefreshToken(appid: string, refreshToken: string): Outcome<WebGrant> {
    const entry = this.refreshTokens.get(refreshToken)
    if (!entry || entry.appid !== appid) return fail(40030, 'invalid refresh_token')
    if (this.now() >= entry.expiresAt) return fail(42002, 'refresh_token timeout')
    return ok({ appid: entry.appid, openid: entry.openid, scope: entry.scope, snapshot: entry.snapshot })
  }

  checkWebToken(accessToken: string, openid: string): Outcome<WebGrant> {
    const entry = this.webTokens.get(accessToken)
    if (!entry) return INVALID_TOKEN
    if (this.now() >= entry.expiresAt) return EXPIRED_TOKEN
    if (entry.openid !== openid) return fail(40003, 'invalid openid')
    return ok(entry)
  }

  /** cgi-bin/token: a new token per call; the previous one lives 5 more minutes, older ones die. */
  issueBasicToken(appid: string): Outcome<{ token: string; expiresIn: number }> {
    if (!this.count(`token:${appid}`, this.limits.tokenPerDay)) return fail(45009, 'reach max api daily quota limit')
    const now = this.now()
    const previous = this.latestBasic.get(appid)
    for (const [token, entry] of this.basicTokens) {
      if (entry.appid !== appid || entry.stable) continue
      entry.expiresAt = token === previous ? Math.min(entry.expiresAt, now + GRACE) : Math.min(entry.expiresAt, now)
    }
    const token = randomToken(136)
    this.basicTokens.set(token, { appid, expiresAt: now + TOKEN_TTL, stable: false })
    this.latestBasic.set(appid, token)
    return ok({ token, expiresIn: TOKEN_TTL / SECOND })
  }

  /**
   * cgi-bin/stable_token: the same token while it has more than 5 minutes left; inside the last 5
   * minutes a successor is issued and both stay valid. force_refresh kills the old one at once and
   * is limited to 20/day, 30 s apart. Independent of cgi-bin/token (§2.2).
   */
  stableToken(appid: string, force: boolean): Outcome<{ token: string; expiresIn: number }> {
    const now = this.now()
    const slot = this.stable.get(appid)
    const current = slot ? this.basicTokens.get(slot.token) : undefined
    if (force) {
      if (slot?.lastForce !== undefined && now - slot.lastForce < FORCE_SPACING) {
        return fail(45011, 'api minute-quota reach limit  mustslower  retry next time')
      }
      if (!this.count(`stableForce:${appid}`, this.limits.stableForcePerDay)) return fail(45009, 'reach max api daily quota limit')
      if (current) current.expiresAt = Math.min(current.expiresAt, now)
    } else if (current && current.expiresAt - now > GRACE) {
      return ok({ token: slot!.token, expiresIn: Math.floor((current.expiresAt - now) / SECOND) })
    }
    const token = randomToken(136)
    this.basicTokens.set(token, { appid, expiresAt: now + TOKEN_TTL, stable: true })
    this.stable.set(appid, { token, lastForce: force ? now : slot?.lastForce })
    return ok({ token, expiresIn: TOKEN_TTL / SECOND })
  }

  checkBasicToken(token: string): Outcome<{ appid: string }> {
    const entry = this.basicTokens.get(token)
    if (!entry) return INVALID_TOKEN
    if (this.now() >= entry.expiresAt) return EXPIRED_TOKEN
    return ok({ appid: entry.appid })
  }

  /** One ticket per access token; a new token rotates it, and the previous ticket stays valid until it expires. */
  getTicket(token: string): Outcome<{ ticket: string; expiresIn: number }> {
    const check = this.checkBasicToken(token)
    if (!check.ok) return check
    const appid = check.value.appid
    if (!this.count(`ticket:${appid}`, this.limits.ticketPerDay)) return fail(45009, 'reach max api daily quota limit')
    const now = this.now()
    const slot = this.tickets.get(appid) ?? {}
    if (slot.current && slot.current.forToken === token && slot.current.expiresAt > now) {
      return ok({ ticket: slot.current.ticket, expiresIn: TOKEN_TTL / SECOND })
    }
    const ticket: Ticket = { ticket: `${randomHex(12)}${randomToken(74)}`, expiresAt: now + TOKEN_TTL, forToken: token }
    this.tickets.set(appid, { current: ticket, previous: slot.current })
    return ok({ ticket: ticket.ticket, expiresIn: TOKEN_TTL / SECOND })
  }

  /** Unexpired tickets of an AppID, newest first, labelled for the wx.config checker. */
  validTickets(appid: string): { ticket: string; which: 'current' | 'previous' }[] {
    const slot = this.tickets.get(appid)
    const now = this.now()
    const out: { ticket: string; which: 'current' | 'previous' }[] = []
    if (slot?.current && slot.current.expiresAt > now) out.push({ ticket: slot.current.ticket, which: 'current' })
    if (slot?.previous && slot.previous.expiresAt > now) out.push({ ticket: slot.previous.ticket, which: 'previous' })
    return out
  }

  /** Daily counters reset at midnight China time; returns false once the limit is reached. */
  private count(kind: string, limit: number): boolean {
    const key = `${kind}:${chinaDay(this.now())}`
    const used = this.counters.get(key) ?? 0
    if (used >= limit) return false
    this.counters.set(key, used + 1)
    return true
  }
}
