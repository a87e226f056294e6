import type { CreateOrderBody, Order, OrderList, PayOrderResult } from '@app/shared/orders'
import { http } from './http.ts'

// 「个人购买」 orders and 我的订单 (PAY-1, PAY-5). Every route needs the signed-in learner; the
// bearer token and the 401-refresh come from http.ts.

/**
 * POST /api/orders: 提交订单 (201). Rejects with ORDER_ALREADY_PENDING or PROJECT_ALREADY_OWNED (409)
 * and INVOICE_INVALID (400, the message says what is wrong).
 */
export function createOrder(body: CreateOrderBody): Promise<Order> {
  return http.post<Order>('/orders', body)
}

/**
 * GET /api/orders/:id. For a pending order the server asks WeChat Pay first, so this is what the
 * pay page polls after the cashier closes: the page's own "ok" is never proof of payment.
 */
export function fetchOrder(id: number, signal?: AbortSignal): Promise<Order> {
  return http.get<Order>(`/orders/${id}`, { signal })
}

/**
 * POST /api/orders/:id/pay: JSAPI parameters for the cashier, and whether the server runs the
 * built-in simulator. 409 WECHAT_OPENID_REQUIRED / ORDER_NOT_PENDING / ORDER_EXPIRED, 503 PAYMENT_UNAVAILABLE.
 */
export function startPayment(id: number): Promise<PayOrderResult> {
  return http.post<PayOrderResult>(`/orders/${id}/pay`)
}

/** POST /api/orders/:id/cancel: 取消订单; answers the closed order. */
export function cancelOrder(id: number): Promise<Order> {
  return http.post<Order>(`/orders/${id}/cancel`)
}

/** GET /api/orders?kind=individual: the buyer's own orders, newest first. */
export async function fetchMyOrders(signal?: AbortSignal): Promise<Order[]> {
  const list = await http.get<OrderList>('/orders', { params: { kind: 'individual' }, signal })
  return list.orders
}
