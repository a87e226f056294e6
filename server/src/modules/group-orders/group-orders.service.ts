import { maskIdNumber, type GroupOrder, type GroupOrderLearnerPage } from '@app/shared'
import { toOrderDto } from '../orders/orders.repository.ts'
import { planProgress } from '../learning/plans.rules.ts'
import { GroupOrderNotFoundError } from './group-orders.errors.ts'
import { enrolmentCounts, findBuyerGroupOrder, listBuyerGroupOrders, orderLearners } from './group-orders.repository.ts'
import { signGroupFileLink } from './group-file-links.ts'
import type { GroupOrderDeps } from './group-orders.types.ts'

type GroupOrderRow = Awaited<ReturnType<typeof listBuyerGroupOrders>>[number]

function toGroupOrderDto(deps: GroupOrderDeps, row: GroupOrderRow, counts: { enrolled: number; completed: number } | undefined): GroupOrder {
  const account = deps.transferAccount
  return {
    order: toOrderDto(row.order, row.projectTitle),
    learnerCount: row.order.quantity,
    enrolledCount: counts?.enrolled ?? 0,
    completedCount: counts?.completed ?? 0,
    transfer:
      account && row.transfer
        ? { ...account, reference: row.transfer.reference, amountFen: row.order.amountFen, confirmedAt: row.transfer.confirmedAt?.toISOString() ?? null }
        : null,
  }
}

/** 团购订单 (GRP-4): the buyer's group orders, newest first. */
export async function listGroupOrders(deps: GroupOrderDeps, buyerUserId: number): Promise<GroupOrder[]> {
  const rows = await listBuyerGroupOrders(deps.db, buyerUserId)
  const counts = await enrolmentCounts(deps.db, rows.map((r) => r.order.id))
  return rows.map((r) => toGroupOrderDto(deps, r, counts.get(r.order.id)))
}

export async function groupOrderDetail(deps: GroupOrderDeps, buyerUserId: number, orderId: number): Promise<GroupOrder> {
  const row = await findBuyerGroupOrder(deps.db, buyerUserId, orderId)
  if (!row) throw new GroupOrderNotFoundError()
  const counts = await enrolmentCounts(deps.db, [orderId])
  return toGroupOrderDto(deps, row, counts.get(orderId))
}

/** A page of the order's learners (ID masked, name, 计划完成度) and a signed link to export them all. */
export async function groupOrderLearners(deps: GroupOrderDeps, buyerUserId: number, orderId: number, page: number, pageSize: number, now: Date): Promise<GroupOrderLearnerPage> {
  const row = await findBuyerGroupOrder(deps.db, buyerUserId, orderId)
  if (!row) throw new GroupOrderNotFoundError()
  const learners = await orderLearners(deps.db, row.order, { offset: (page - 1) * pageSize, limit: pageSize })
  return {
    learners: learners.map((l) => {
      const progress = planProgress(row.requiredHours, l.countedHours)
      return {
        idNumberMasked: maskIdNumber(l.idNumber),
        realName: l.realName,
        state: l.refundDue ? 'refund_due' : l.enrolled ? 'enrolled' : 'unpaid',
        percent: l.completed ? 100 : progress.percent,
        countedHours: progress.countedHours,
        completed: l.completed,
      }
    }),
    total: row.order.quantity,
    page,
    pageSize,
    exportUrl: signGroupFileLink(deps.fileKey, learnersFilePath(buyerUserId, orderId), now),
  }
}

/** The export's path names the buyer, so a signature is good for one buyer's one order only. */
export function learnersFilePath(buyerUserId: number, orderId: number): string {
  return `/api/group-orders/files/${buyerUserId}/${orderId}/learners.xlsx`
}
