import type { GroupCheckResult, GroupOrder, GroupOrderLearnerPage, GroupOrderList, GroupOrderNotice } from '@app/shared/group-orders'
import { http } from './http.ts'

// 团体购买 and 团购订单 (GRP-1 … GRP-4). Payment goes through the orders API (startPayment), the
// same WeChat Pay path as 个人购买.

/**
 * POST /api/group-orders: 「立即购买」 with the pasted text. 201 `created` (the order exists) or 200
 * `rejected` (nothing created; counts, the first failures and the error file's signed link).
 * 400 GROUP_LIST_EMPTY / GROUP_LIST_TOO_LONG.
 */
export function submitGroupList(projectId: number, text: string): Promise<GroupCheckResult> {
  // Checking 5,000 lines takes the server about a second; leave room on a slow phone network.
  return http.post<GroupCheckResult>('/group-orders', { projectId, text }, { timeout: 60_000 })
}

/** GET /api/group-orders: 团购订单, newest first. */
export async function fetchGroupOrders(signal?: AbortSignal): Promise<GroupOrder[]> {
  return (await http.get<GroupOrderList>('/group-orders', { signal })).groupOrders
}

/**
 * GET /api/group-orders/:id (404 GROUP_ORDER_NOT_FOUND for anyone but its buyer). A pending order is
 * re-priced first: learners who bought for themselves meanwhile are taken off and not charged.
 */
export function fetchGroupOrder(id: number, signal?: AbortSignal): Promise<GroupOrder> {
  return http.get<GroupOrder>(`/group-orders/${id}`, { signal })
}

/**
 * GET /api/group-orders/:id/learners?page=: a page of learners. Paid: names, 计划完成度 and the export
 * link; not paid: masked names only (`namesMasked`), no progress, `exportUrl` null.
 */
export function fetchGroupOrderLearners(id: number, page: number, signal?: AbortSignal): Promise<GroupOrderLearnerPage> {
  return http.get<GroupOrderLearnerPage>(`/group-orders/${id}/learners`, { params: { page, pageSize: 50 }, signal })
}

/**
 * GET /api/group-orders/notice?projectId=: for the learner where they buy — whether a unit's group
 * order listing them is waiting for payment (it reserves nothing; the buyer is not named).
 */
export async function fetchGroupOrderNotice(projectId: number, signal?: AbortSignal): Promise<boolean> {
  return (await http.get<GroupOrderNotice>('/group-orders/notice', { params: { projectId }, signal })).pendingGroupOrder
}
