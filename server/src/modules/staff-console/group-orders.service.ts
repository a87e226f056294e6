import { maskIdNumber, type StaffGroupLearnerPage, type StaffGroupOrderPage, type StaffGroupOrderQuery } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { writeWorkbook } from '../../core/spreadsheet.ts'
import { projectSummaries } from '../catalogue/catalogue.read-model.ts'
import { certificateNumbersFor } from '../certificates/certificates.read-model.ts'
import { LEARNER_STATE_LABELS, learnerState, orderLearners } from '../group-orders/group-orders.public.ts'
import { orderIdOfReference } from '../group-orders/group-orders.read-model.ts'
import { enrolmentCounts, findOrderById, listedCount, type OrderRow } from '../orders/orders.read-model.ts'
import { searchOrdersForStaff, type StaffOrderFilter } from '../orders/staff-orders.read-model.ts'
import { recordStaffAction, type StaffPrincipal } from '../staff/staff.public.ts'
import { buyersAndProjects } from './buyers.repository.ts'
import { unitNameContains } from './learners.repository.ts'
import { StaffOrderNotFoundError } from './money.errors.ts'

/** What one search box means: an exact 订单号 or 转账附言 when it looks like one, else part of a unit's name. */
async function filterFor(db: AppDb, q: string | undefined): Promise<StaffOrderFilter | null> {
  const text = q?.trim() ?? ''
  if (!text) return { kind: 'group' }
  if (/^TT[A-Z2-9]{8}$/i.test(text)) {
    const orderId = await orderIdOfReference(db, text.toUpperCase())
    return orderId === undefined ? null : { kind: 'group', orderId }
  }
  if (/^[0-9A-Za-z_-]{6,32}$/.test(text) && /[0-9]{6}/.test(text)) return { kind: 'group', outTradeNo: text }
  return { kind: 'group', buyer: unitNameContains(text) }
}

/**
 * 团购订单 (docs/staff.md): group orders, newest first, paged, found by 订单号, 转账附言 or the buying
 * unit's name (the buyer's 单位 as the 学员 pages know it), with how many learners are enrolled and done.
 */
export async function searchGroupOrders(db: AppDb, query: StaffGroupOrderQuery): Promise<StaffGroupOrderPage> {
  const page = { page: query.page ?? 1, pageSize: query.pageSize ?? 20 }
  const filter = await filterFor(db, query.q)
  if (!filter) return { items: [], total: 0, ...page }
  const { rows, total } = await searchOrdersForStaff(db, filter, page)
  const [{ buyer, project }, counts] = await Promise.all([buyersAndProjects(db, rows), enrolmentCounts(db, rows.map((r) => r.id))])
  return {
    items: rows.map((o) => ({
      id: o.id,
      outTradeNo: o.outTradeNo,
      projectTitle: project(o.projectId).title,
      year: project(o.projectId).year,
      status: o.status,
      quantity: o.quantity,
      amountFen: o.amountFen,
      createdAt: o.createdAt.toISOString(),
      paidAt: o.paidAt?.toISOString() ?? null,
      enrolledCount: counts.get(o.id)?.enrolled ?? 0,
      completedCount: counts.get(o.id)?.completed ?? 0,
      buyer: buyer(o.buyerUserId),
    })),
    total,
    ...page,
  }
}

async function groupOrder(db: AppDb, orderId: number): Promise<OrderRow> {
  const order = await findOrderById(db, orderId)
  if (!order || order.kind !== 'group') throw new StaffOrderNotFoundError()
  return order
}

/** The order's learners with progress and certificate: group orders', learning's and certificates' read models. */
async function learnerRows(db: AppDb, order: OrderRow, page?: { offset: number; limit: number }) {
  const [learners, projects] = await Promise.all([orderLearners(db, order, page), projectSummaries(db, [order.projectId])])
  const requiredHours = projects.get(order.projectId)?.requiredHours ?? 0
  const certificates = await certificateNumbersFor(
    db,
    order.projectId,
    learners.map((l) => l.userId),
  )
  return learners.map((l) => ({
    userId: l.userId,
    realName: l.realName,
    idNumberMasked: maskIdNumber(l.idNumber),
    stateLabel: LEARNER_STATE_LABELS[learnerState(l)],
    countedHours: l.enrolled ? l.countedHours : null,
    requiredHours,
    completed: l.completed,
    certificateNumber: certificates.get(l.userId) ?? null,
  }))
}

/** One page of a group order's learners (ID numbers masked), in the order they were listed. */
export async function groupOrderLearners(db: AppDb, orderId: number, page: { page: number; pageSize: number }): Promise<StaffGroupLearnerPage> {
  const order = await groupOrder(db, orderId)
  const items = await learnerRows(db, order, { offset: (page.page - 1) * page.pageSize, limit: page.pageSize })
  return { items, total: await listedCount(db, order.id), ...page }
}

/**
 * 导出 a group order's learners as .xlsx: names, masked ID numbers, state, 学时 and certificate —
 * audited as `group_order.export` (the file leaves the console), recorded before it is answered.
 */
export async function exportGroupOrderLearners(db: AppDb, staff: StaffPrincipal, orderId: number, now: Date): Promise<{ fileName: string; body: Buffer }> {
  const order = await groupOrder(db, orderId)
  const rows = await learnerRows(db, order)
  await db.transaction((tx) =>
    recordStaffAction(tx, { staffId: staff.id, action: 'group_order.export', target: `order:${order.outTradeNo}`, detail: { rows: rows.length } }, now),
  )
  const body = await writeWorkbook(`团购订单 ${order.outTradeNo}`, [
    {
      name: '学员名单',
      columns: [
        { header: '序号', key: 'n', width: 8 },
        { header: '姓名', key: 'realName', width: 12 },
        { header: '身份证号', key: 'idNumberMasked', width: 22 },
        { header: '开通状态', key: 'stateLabel', width: 24 },
        { header: '已获学时', key: 'countedHours', width: 10 },
        { header: '应修学时', key: 'requiredHours', width: 10 },
        { header: '是否完成', key: 'completed', width: 10 },
        { header: '证书编号', key: 'certificateNumber', width: 24 },
      ],
      rows: rows.map((r, i) => ({ ...r, n: i + 1, countedHours: r.countedHours ?? '', completed: r.completed ? '已完成' : '未完成', certificateNumber: r.certificateNumber ?? '' })),
    },
  ])
  return { fileName: `团购订单-${order.outTradeNo}.xlsx`, body }
}
