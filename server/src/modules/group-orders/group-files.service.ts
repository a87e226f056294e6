import { maskIdNumber } from '@app/shared'
import { writeWorkbook } from '../../core/spreadsheet.ts'
import { planProgress } from '../learning/plans.rules.ts'
import { findCheckRun } from './group-check.repository.ts'
import { FileLinkInvalidError, GroupOrderNotFoundError, GroupOrderUnpaidError } from './group-orders.errors.ts'
import { learnerState, wasPaid } from './group-orders.service.ts'
import { findBuyerGroupOrder, orderLearners } from './group-orders.repository.ts'
import type { GroupOrderDeps } from './group-orders.types.ts'

/** 「下载错误文件」: 行号, 输入内容, 原因 — fix the lines and paste them again (GRP-2). */
export async function errorFile(deps: GroupOrderDeps, checkId: string, now: Date): Promise<Buffer> {
  const run = await findCheckRun(deps.db, checkId, now)
  if (!run) throw new FileLinkInvalidError()
  return writeWorkbook('团体购买错误文件', [
    {
      name: '错误明细',
      columns: [
        { header: '行号', key: 'line', width: 8 },
        { header: '输入内容', key: 'input', width: 26 },
        { header: '原因', key: 'reason', width: 60 },
      ],
      rows: run.failures,
    },
  ])
}

export const LEARNER_STATE_LABELS = {
  enrolled: '已开通',
  dropped: '已自行购买（未计费）',
  refund_due: '已自行购买（该名额退款中）',
  refunded: '已自行购买（该名额已退款）',
  unpaid: '待支付',
} as const

/**
 * 团购订单's learner list as .xlsx (GRP-4): masked ID numbers, names and each one's 计划完成度 — for
 * a paid order only (before payment the buyer sees masked names and nothing to export).
 */
export async function learnersFile(deps: GroupOrderDeps, buyerUserId: number, orderId: number): Promise<Buffer> {
  const found = await findBuyerGroupOrder(deps.db, buyerUserId, orderId)
  if (!found) throw new GroupOrderNotFoundError()
  if (!wasPaid(found.order)) throw new GroupOrderUnpaidError()
  const rows = await orderLearners(deps.db, found.order)
  return writeWorkbook(`团购订单 ${found.order.outTradeNo}`, [
    {
      name: '学员名单',
      columns: [
        { header: '序号', key: 'n', width: 8 },
        { header: '姓名', key: 'realName', width: 12 },
        { header: '身份证号', key: 'idNumber', width: 22 },
        { header: '开通状态', key: 'state', width: 22 },
        { header: '已获学时', key: 'countedHours', width: 10 },
        { header: '计划完成度', key: 'percent', width: 12 },
      ],
      rows: rows.map((r, i) => ({
        n: i + 1,
        realName: r.realName,
        idNumber: maskIdNumber(r.idNumber),
        state: LEARNER_STATE_LABELS[learnerState(r)],
        // Progress only for the learners this order enrolled (the others bought for themselves).
        countedHours: r.enrolled ? r.countedHours : '',
        percent: r.enrolled ? `${r.completed ? 100 : planProgress(found.requiredHours, r.countedHours).percent}%` : '',
      })),
    },
  ])
}
