import type {
  StaffGroupLearnerPage,
  StaffGroupOrderPage,
  StaffGroupOrderQuery,
  StaffOrderDetail,
  StaffOrderPage,
  StaffOrderSearchQuery,
  TransferConfirmation,
  TransferQueue,
} from '@app/shared/staff-orders'
import { session } from '../session'
import { ApiError, request } from './http'

/** 订单与退款, 对公转账 and 团购订单: one typed function per endpoint (docs/staff.md). */

export const searchOrders = (query: StaffOrderSearchQuery) => request<StaffOrderPage>('GET', '/orders', undefined, { ...query })
export const fetchOrder = (id: number) => request<StaffOrderDetail>('GET', `/orders/${id}`)
export const refundOrder = (id: number, reason: string) => request<StaffOrderDetail>('POST', `/orders/${id}/refund`, { reason })
export const syncRefund = (id: number, outRefundNo: string) => request<StaffOrderDetail>('POST', `/orders/${id}/refunds/${encodeURIComponent(outRefundNo)}/sync`, {})

export const fetchTransferQueue = (page: number, pageSize: number) => request<TransferQueue>('GET', '/transfers', undefined, { page, pageSize })
export const confirmTransfer = (body: { reference: string; amountFen: number; bankSerial: string }) =>
  request<TransferConfirmation>('POST', '/group-orders/transfers/confirm', body)

export const searchGroupOrders = (query: StaffGroupOrderQuery) => request<StaffGroupOrderPage>('GET', '/group-orders', undefined, { ...query })
export const fetchGroupOrderLearners = (id: number, page: number, pageSize: number) =>
  request<StaffGroupLearnerPage>('GET', `/group-orders/${id}/learners`, undefined, { page, pageSize })

/**
 * 导出: the workbook comes with the bearer token (a plain link would not carry it), then is handed
 * to the browser as a download. The server records the export before it answers.
 */
export async function downloadGroupOrderLearners(id: number, fileName: string): Promise<void> {
  await request<void>('GET', '/me') // a locked session shows the lock screen first, as every request does
  const res = await fetch(`/api/staff/group-orders/${id}/learners.xlsx`, { headers: { authorization: `Bearer ${session.token ?? ''}` }, cache: 'no-store' })
  if (!res.ok) {
    const data = (await res.json().catch(() => null)) as { code?: string; message?: string } | null
    throw new ApiError(res.status, data?.code ?? 'HTTP_ERROR', data?.message ?? `导出失败（${res.status}）`)
  }
  const url = URL.createObjectURL(await res.blob())
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
