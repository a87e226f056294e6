import type { TransferQueue } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { awaitingTransfers } from '../group-orders/group-orders.read-model.ts'
import { buyersAndProjects } from './buyers.repository.ts'

/**
 * 对公转账 queue (docs/staff.md): group orders waiting for a bank transfer, oldest first, paged, with
 * what is due. Confirming a receipt is group orders' own route (POST /api/staff/group-orders/transfers/confirm).
 */
export async function transferQueue(db: AppDb, page: { page: number; pageSize: number }): Promise<TransferQueue> {
  const { rows, total } = await awaitingTransfers(db, page)
  const { buyer, project } = await buyersAndProjects(
    db,
    rows.map((r) => r.order),
  )
  return {
    items: rows.map(({ order, reference }) => ({
      orderId: order.id,
      outTradeNo: order.outTradeNo,
      reference,
      projectTitle: project(order.projectId).title,
      buyer: buyer(order.buyerUserId),
      quantity: order.quantity,
      unitPriceFen: order.unitPriceFen,
      amountDueFen: order.amountFen,
      createdAt: order.createdAt.toISOString(),
      expiresAt: order.expiresAt.toISOString(),
    })),
    total,
    ...page,
  }
}
