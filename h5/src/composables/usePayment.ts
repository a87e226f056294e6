import type { Order } from '@app/shared/orders'
import { onScopeDispose, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import type { Router } from 'vue-router'
import { ErrorCode } from '@app/shared/error-codes'
import { type ApiError, isApiError, toApiError } from '@/api/http.ts'
import { cancelOrder, fetchOrder, startPayment } from '@/api/orders.ts'
import { formatPrice } from '@/utils/format.ts'
import type { PayPhase } from '@/utils/order-display.ts'
import { getEntryUrl, isIOS, isWechat } from '@/wechat/env.ts'
import { wechatStartUrl } from '@/wechat/oauth.ts'
import { needsFreshPayPageLoad, payOrderPath, requestPayment, type PaymentOutcome } from '@/wechat/pay.ts'

/** How often, and how long, the page asks the server after the cashier closes (it asks WeChat). */
export const POLL_INTERVAL_MS = 1_500
export const POLL_TIMEOUT_MS = 60_000

export interface Payment {
  /** The order as the server last described it. */
  order: ShallowRef<Order | undefined>
  /** Loading the order failed (the page shows its error state with 重试). */
  loadError: ShallowRef<ApiError | undefined>
  loading: Ref<boolean>
  phase: Ref<PayPhase>
  /** The cashier's last word (a hint only): the page says 「支付已取消」 or 「支付未完成」 for it. */
  lastOutcome: Ref<PaymentOutcome | null>
  /** The last failed action (pay, cancel, refresh), for a toast. */
  actionError: ShallowRef<ApiError | undefined>
  load: () => Promise<void>
  /** 「继续支付」: asks the server for JSAPI parameters, opens the cashier, then polls the order. */
  pay: () => Promise<void>
  /** 「刷新」: asks the server (and through it WeChat) once more. */
  refresh: () => Promise<void>
  /** 「取消订单」 (the view asks for confirmation first). */
  cancel: () => Promise<void>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The pay page's state for one order (PAY-1, PAY-2, WX-3). Inside WeChat the real cashier opens;
 * when the server runs the WeChat simulator the stand-in cashier does (also inside WeChat, for
 * development on a phone); anywhere else the page says to open it in WeChat. Whatever the cashier
 * says, the server's order status decides what is shown.
 */
export function usePayment(orderId: number): Payment {
  const order = shallowRef<Order>()
  const loadError = shallowRef<ApiError>()
  const loading = ref(false)
  const phase = ref<PayPhase>('idle')
  const lastOutcome = ref<PaymentOutcome | null>(null)
  const actionError = shallowRef<ApiError>()
  let disposed = false
  onScopeDispose(() => {
    disposed = true
  })

  async function load(): Promise<void> {
    loading.value = true
    loadError.value = undefined
    try {
      order.value = await fetchOrder(orderId)
    } catch (error) {
      loadError.value = toApiError(error)
    } finally {
      loading.value = false
    }
  }

  /** Asks the server every POLL_INTERVAL_MS until the order leaves 待支付 or the minute is up. */
  async function poll(): Promise<void> {
    phase.value = 'confirming'
    const deadline = Date.now() + POLL_TIMEOUT_MS
    while (!disposed) {
      try {
        order.value = await fetchOrder(orderId)
        if (order.value.status !== 'pending') break
      } catch {
        // A dropped request while polling is not an answer: keep asking until the deadline.
      }
      if (Date.now() + POLL_INTERVAL_MS > deadline) {
        phase.value = 'unconfirmed'
        return
      }
      await sleep(POLL_INTERVAL_MS)
    }
    phase.value = 'idle'
  }

  async function openCashier(
    params: Parameters<typeof requestPayment>[0],
    simulator: boolean,
    paying: Order,
  ): Promise<PaymentOutcome | null> {
    if (simulator) {
      // Loaded on demand: development only, and never part of the entry chunk.
      const { requestSimulatedPayment } = await import('@/wechat/simulated-bridge.ts')
      return requestSimulatedPayment(params, { amountText: formatPrice(paying.amountFen), description: paying.projectTitle })
    }
    if (!isWechat) return null
    return requestPayment(params)
  }

  async function handlePayError(error: ApiError): Promise<void> {
    if (isApiError(error, ErrorCode.WECHAT_OPENID_REQUIRED)) {
      if (isWechat) {
        // The account has no WeChat bound yet: authorise (snsapi_base) and come back to this page.
        window.location.assign(wechatStartUrl(`${window.location.pathname}${window.location.search}`))
        return
      }
      phase.value = 'open-in-wechat'
      return
    }
    actionError.value = error
    // Paid or closed meanwhile (another tab, the expiry job; a group order whose every learner bought
    // for themselves): show what the order is now.
    if (isApiError(error, ErrorCode.ORDER_NOT_PENDING, ErrorCode.ORDER_EXPIRED, ErrorCode.GROUP_SEATS_ALL_TAKEN)) await refreshQuietly()
  }

  async function refreshQuietly(): Promise<void> {
    try {
      order.value = await fetchOrder(orderId)
    } catch {
      // The order shown stays as it was; 「刷新」 is still there.
    }
  }

  async function pay(): Promise<void> {
    if (phase.value === 'starting' || phase.value === 'paying' || phase.value === 'confirming') return
    actionError.value = undefined
    lastOutcome.value = null
    phase.value = 'starting'
    let started
    try {
      started = await startPayment(orderId)
    } catch (error) {
      phase.value = 'idle'
      await handlePayError(toApiError(error))
      return
    }
    order.value = started.order
    phase.value = 'paying'
    const outcome = await openCashier(started.payParams, started.simulator, started.order)
    if (outcome === null) {
      phase.value = 'open-in-wechat'
      return
    }
    lastOutcome.value = outcome
    if (outcome === 'ok') {
      await poll()
    } else {
      // Cancelled or failed: the order stays 待支付, but ask once (some clients say cancel and pay).
      await refreshQuietly()
      phase.value = 'idle'
    }
  }

  async function refresh(): Promise<void> {
    actionError.value = undefined
    try {
      order.value = await fetchOrder(orderId)
      if (order.value.status !== 'pending' || phase.value !== 'unconfirmed') phase.value = 'idle'
    } catch (error) {
      actionError.value = toApiError(error)
    }
  }

  async function cancel(): Promise<void> {
    actionError.value = undefined
    try {
      order.value = await cancelOrder(orderId)
      phase.value = 'idle'
    } catch (error) {
      const apiError = toApiError(error)
      actionError.value = apiError
      if (isApiError(apiError, ErrorCode.ORDER_NOT_PENDING)) await refreshQuietly()
    }
  }

  return { order, loadError, loading, phase, lastOutcome, actionError, load, pay, refresh, cancel }
}

/**
 * Opens an order's pay page (under /pay/, the registered 支付授权目录). On iOS WeChat this is a real
 * page load unless the learner landed on a pay page (see needsFreshPayPageLoad); the session comes
 * back from the refresh cookie.
 */
export async function openPayPage(router: Router, orderId: number, options: { autoPay: boolean; replace?: boolean }): Promise<void> {
  const path = payOrderPath(orderId, options.autoPay)
  const basePath = import.meta.env.BASE_URL
  if (needsFreshPayPageLoad({ inWechat: isWechat, ios: isIOS, entryUrl: getEntryUrl(), basePath })) {
    const href = `${basePath.replace(/\/$/, '')}${path}`
    if (options.replace) window.location.replace(href)
    else window.location.assign(href)
    return
  }
  if (options.replace) await router.replace(path)
  else await router.push(path)
}

/** What the pay page shows while it opens the cashier, before its own request for the order answers. */
export type OrderSummary = Pick<Order, 'id' | 'projectTitle' | 'outTradeNo' | 'amountFen'>

const SUMMARY_KEY = 'jx.paying-order'

/**
 * Kept for this tab by 提交订单, read by 订单支付: on iOS WeChat the pay page is a fresh page load, and
 * the learner should see what they are paying for while the app starts and the cashier opens. Holds
 * no personal data (project, order number, amount).
 */
export function rememberOrderSummary(order: OrderSummary): void {
  try {
    sessionStorage.setItem(SUMMARY_KEY, JSON.stringify({ id: order.id, projectTitle: order.projectTitle, outTradeNo: order.outTradeNo, amountFen: order.amountFen }))
  } catch {
    // Storage refused: the page shows the summary once its request answers.
  }
}

export function rememberedOrderSummary(orderId: number): OrderSummary | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(SUMMARY_KEY) ?? 'null') as OrderSummary | null
    return stored?.id === orderId ? stored : undefined
  } catch {
    return undefined
  }
}
