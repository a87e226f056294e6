// What the simulator remembers across requests: test users, the openids issued to them, orders,
// prepay ids, refunds and the menu. With `stateFile` it is written to JSON (debounced, atomically)
// so a developer's users and orders survive a restart; codes and tokens are deliberately not kept,
// just as a WeChat outage would not keep our cached tokens valid.
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { newOpenid, randomHex } from './util.ts'

export interface SimUser {
  id: string
  nickname: string
  createdAt: number
  lastUsedAt: number
  /** appid → openid */
  openids: Record<string, string>
}

export type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND' | 'PAYERROR'

export interface Order {
  outTradeNo: string
  appid: string
  mchid: string
  description: string
  attach?: string
  notifyUrl: string
  total: number
  currency: string
  openid: string
  timeExpire: number
  createdAt: number
  /** canonical JSON of the first request, to detect re-entry with different parameters */
  paramsKey: string
  state: TradeState
  transactionId?: string
  successTime?: number
  bankType?: string
  payerTotal?: number
}

export interface Prepay { prepayId: string; outTradeNo: string; expiresAt: number }

export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL'
export interface Refund {
  refundId: string
  outRefundNo: string
  outTradeNo: string
  transactionId: string
  reason?: string
  notifyUrl?: string
  refund: number
  total: number
  paramsKey: string
  status: RefundStatus
  createdAt: number
  successTime?: number
}

interface Snapshot {
  users: SimUser[]
  orders: Order[]
  prepays: Prepay[]
  refunds: Refund[]
  menu?: unknown
}

export interface StateLog { warn(obj: object, msg?: string): void }

export class SimState {
  readonly users = new Map<string, SimUser>()
  /** openid → { appid, userId } for every openid the OAuth side has issued */
  readonly openids = new Map<string, { appid: string; userId: string }>()
  readonly orders = new Map<string, Order>()
  readonly transactions = new Map<string, string>()
  readonly prepays = new Map<string, Prepay>()
  readonly refunds = new Map<string, Refund>()
  menu: unknown
  private saveTimer: NodeJS.Timeout | undefined

  constructor(private readonly file: string | undefined, private readonly log: StateLog) {
    if (file && existsSync(file)) this.load(file)
  }

  createUser(nickname: string, now: number): SimUser {
    const user: SimUser = { id: randomHex(8), nickname, createdAt: now, lastUsedAt: now, openids: {} }
    this.users.set(user.id, user)
    this.changed()
    return user
  }

  /** The user's openid under `appid`, issued on first use (openids are per AppID). */
  openidFor(user: SimUser, appid: string): string {
    let openid = user.openids[appid]
    if (!openid) {
      openid = newOpenid(appid)
      user.openids[appid] = openid
      this.openids.set(openid, { appid, userId: user.id })
      this.changed()
    }
    return openid
  }

  usersByRecency(): SimUser[] {
    return [...this.users.values()].sort((a, b) => b.lastUsedAt - a.lastUsedAt)
  }

  putOrder(order: Order): void {
    this.orders.set(order.outTradeNo, order)
    if (order.transactionId) this.transactions.set(order.transactionId, order.outTradeNo)
    this.changed()
  }

  /** Schedule a debounced write; callers mutate objects in place and then call this. */
  changed(): void {
    if (!this.file || this.saveTimer) return
    this.saveTimer = setTimeout(() => this.flush(), 200)
    this.saveTimer.unref()
  }

  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = undefined
    if (!this.file) return
    const snapshot: Snapshot = {
      users: [...this.users.values()],
      orders: [...this.orders.values()],
      prepays: [...this.prepays.values()],
      refunds: [...this.refunds.values()],
      menu: this.menu,
    }
    try {
      mkdirSync(dirname(this.file), { recursive: true })
      const tmp = `${this.file}.${process.pid}.tmp`
      writeFileSync(tmp, JSON.stringify(snapshot))
      renameSync(tmp, this.file)
    } catch (err) {
      this.log.warn({ err, file: this.file }, 'wechat simulator: could not save state')
    }
  }

  private load(file: string): void {
    try {
      const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Partial<Snapshot>
      for (const user of snapshot.users ?? []) {
        this.users.set(user.id, user)
        for (const [appid, openid] of Object.entries(user.openids)) this.openids.set(openid, { appid, userId: user.id })
      }
      for (const order of snapshot.orders ?? []) {
        this.orders.set(order.outTradeNo, order)
        if (order.transactionId) this.transactions.set(order.transactionId, order.outTradeNo)
      }
      for (const prepay of snapshot.prepays ?? []) this.prepays.set(prepay.prepayId, prepay)
      for (const refund of snapshot.refunds ?? []) this.refunds.set(refund.outRefundNo, refund)
      this.menu = snapshot.menu
    } catch (err) {
      // A corrupt dev state file must not stop the app from starting; start empty instead.
      this.log.warn({ err, file }, 'wechat simulator: ignoring unreadable state file')
    }
  }
}
