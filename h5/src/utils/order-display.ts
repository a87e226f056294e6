// Pure display rules for orders (PAY-5) and the pay page: Beijing times, countdowns, status words.
// Types only from @app/shared/orders: its runtime part carries TypeBox, which stays out of the bundle.
import type { Order, OrderStatus } from '@app/shared/orders'

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000

const pad = (value: number) => String(value).padStart(2, '0')

/**
 * A timestamp in Beijing time (UTC+8 all year, no daylight saving), whatever the phone's own time
 * zone: "2025-03-08T06:05:00Z" → "2025-03-08 14:05". An unreadable value gives "".
 */
export function formatBeijingTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return ''
  const t = new Date(ms + BEIJING_OFFSET_MS)
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`
}

/** Time left to pay, rounded up to whole seconds: 90_500 → "01:31", an hour or more → "1:00:00". */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = total % 60
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`
}

/** Milliseconds until the order can no longer be paid (0 once past). */
export function msUntilExpiry(order: Pick<Order, 'expiresAt'>, now: number): number {
  const expires = Date.parse(order.expiresAt)
  return Number.isNaN(expires) ? 0 : Math.max(0, expires - now)
}

export const ORDER_STATUS_TEXT: Record<OrderStatus, string> = {
  pending: '待支付',
  paid: '已支付',
  closed: '已关闭',
  refunding: '退款中',
  refunded: '已退款',
}

/** Vant tag type per status. */
export const ORDER_STATUS_TAG: Record<OrderStatus, 'warning' | 'success' | 'default' | 'primary' | 'danger'> = {
  pending: 'warning',
  paid: 'success',
  closed: 'default',
  refunding: 'primary',
  refunded: 'danger',
}

/** 我的订单's tabs; 已退款 also holds refunds still in progress. */
export const ORDER_TABS = [
  { name: 'all', title: '全部', statuses: null },
  { name: 'pending', title: '待支付', statuses: ['pending'] },
  { name: 'paid', title: '已支付', statuses: ['paid'] },
  { name: 'closed', title: '已关闭', statuses: ['closed'] },
  { name: 'refunded', title: '已退款', statuses: ['refunding', 'refunded'] },
] as const satisfies readonly { name: string; title: string; statuses: readonly OrderStatus[] | null }[]

export type OrderTabName = (typeof ORDER_TABS)[number]['name']

export function ordersInTab<T extends Pick<Order, 'status'>>(orders: readonly T[], tab: OrderTabName): T[] {
  const statuses: readonly OrderStatus[] | null = ORDER_TABS.find((t) => t.name === tab)?.statuses ?? null
  return statuses === null ? [...orders] : orders.filter((o) => statuses.includes(o.status))
}

/** The time lines an order card shows, in order, each only when it happened. */
export function orderTimeLines(order: Pick<Order, 'createdAt' | 'paidAt' | 'closedAt' | 'refundedAt'>): { label: string; value: string }[] {
  const lines: { label: string; value: string }[] = [{ label: '下单时间', value: formatBeijingTime(order.createdAt) }]
  if (order.paidAt) lines.push({ label: '支付时间', value: formatBeijingTime(order.paidAt) })
  if (order.closedAt) lines.push({ label: '关闭时间', value: formatBeijingTime(order.closedAt) })
  if (order.refundedAt) lines.push({ label: '退款时间', value: formatBeijingTime(order.refundedAt) })
  return lines
}

/** Where the pay page is: what the server says about the order, plus what the page is doing. */
export type PayPhase = 'idle' | 'starting' | 'paying' | 'confirming' | 'unconfirmed' | 'open-in-wechat'

export type PayPageStage =
  | 'paid'
  | 'closed'
  | 'refunded'
  /** The cashier is open, or the server is being asked whether the payment arrived. */
  | 'busy'
  /** Polled for a minute and WeChat has not confirmed yet: 「刷新」. */
  | 'unconfirmed'
  /** Not in WeChat and not the simulator: 「请在微信中打开本页面完成支付」. */
  | 'open-in-wechat'
  /** Unpaid and payable: 「继续支付」 / 「取消订单」. */
  | 'pending'

/**
 * What the pay page shows. The server's status decides (a paid order is paid whatever the cashier
 * said); an unpaid order past its expiry is shown closed even before the server has closed it.
 */
export function payPageStage(order: Pick<Order, 'status' | 'expiresAt'>, phase: PayPhase, now: number): PayPageStage {
  if (order.status === 'paid') return 'paid'
  if (order.status === 'closed') return 'closed'
  if (order.status === 'refunding' || order.status === 'refunded') return 'refunded'
  if (phase === 'starting' || phase === 'paying' || phase === 'confirming') return 'busy'
  if (phase === 'unconfirmed') return 'unconfirmed'
  if (msUntilExpiry(order, now) === 0) return 'closed'
  return phase === 'open-in-wechat' ? 'open-in-wechat' : 'pending'
}
