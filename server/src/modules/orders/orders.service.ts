import { and, eq } from 'drizzle-orm'
import {
  checkInvoiceDetails,
  ORDER_PAYMENT_WINDOW_MINUTES,
  OrderStatus,
  type CreateOrderBody,
  type InvoiceRequest,
  type InvoiceRequestBody,
} from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { enrollments, orderItems, orders, projects } from '../../db/schema.ts'
import { ProjectNotFoundError } from '../catalogue/catalogue.errors.ts'
import { InvoiceInvalidError, OrderAlreadyPendingError, OrderTaxpayerIdUnconfirmedError, ProjectAlreadyOwnedError } from './orders.errors.ts'
import type { OrderRow } from './orders.repository.ts'
import { newOutTradeNo } from './orders.rules.ts'
import { isUniqueViolation } from '../../core/db-errors.ts'

/**
 * Validates and normalises the invoice choice made on the order page (INV-1) with the same rule as
 * 申请开票 (checkInvoiceDetails): the paid-order sweep issues the invoice from these details without
 * asking again, so a taxpayer id failing its check needs the learner's confirmation here too.
 */
export function validateInvoice(invoice: InvoiceRequestBody): InvoiceRequest {
  if (invoice.choice === 'later') return { choice: 'later' }
  if (!invoice.titleType) throw new InvoiceInvalidError('请选择发票抬头类型（个人或单位）')
  const checked = checkInvoiceDetails({
    titleType: invoice.titleType,
    title: invoice.title ?? '',
    taxpayerId: invoice.taxpayerId,
    email: invoice.email ?? '',
    confirmTaxpayerId: invoice.confirmTaxpayerId,
  })
  if (!checked.ok) throw checked.kind === 'unconfirmed' ? new OrderTaxpayerIdUnconfirmedError(checked.message) : new InvoiceInvalidError(checked.message)
  const { titleType, title, taxpayerId, email } = checked.details
  return { choice: 'now', titleType, title, ...(titleType === 'unit' && taxpayerId ? { taxpayerId } : {}), email }
}

/**
 * 「个人购买」: an order for the buyer themself, priced from the database. The partial unique index on
 * order_items decides, even between concurrent submits, that only one open order can exist.
 */
export async function createIndividualOrder(db: AppDb, buyerUserId: number, body: CreateOrderBody, now: Date): Promise<OrderRow> {
  const invoice = validateInvoice(body.invoice)
  const [project] = await db
    .select({ id: projects.id, priceFen: projects.priceFen })
    .from(projects)
    .where(and(eq(projects.id, body.projectId), eq(projects.published, 1)))
  if (!project) throw new ProjectNotFoundError()
  const [owned] = await db
    .select({ id: enrollments.id })
    .from(enrollments)
    .where(and(eq(enrollments.userId, buyerUserId), eq(enrollments.projectId, project.id), eq(enrollments.status, 'active')))
  if (owned) throw new ProjectAlreadyOwnedError()

  try {
    return await db.transaction(async (tx) => {
      const [order] = await tx
        .insert(orders)
        .values({
          outTradeNo: newOutTradeNo(now),
          buyerUserId,
          kind: 'individual',
          projectId: project.id,
          unitPriceFen: project.priceFen,
          quantity: 1,
          amountFen: project.priceFen,
          status: OrderStatus.PENDING,
          invoice,
          createdAt: now,
          expiresAt: new Date(now.getTime() + ORDER_PAYMENT_WINDOW_MINUTES * 60_000),
        })
        .returning()
      if (!order) throw new Error('order insert returned nothing')
      await tx.insert(orderItems).values({ orderId: order.id, learnerUserId: buyerUserId, projectId: project.id })
      return order
    })
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    // Someone (another tab, a double tap) holds an open item: paid means owned, else pending.
    const [open] = await db
      .select({ status: orders.status })
      .from(orderItems)
      .innerJoin(orders, eq(orders.id, orderItems.orderId))
      .where(and(eq(orderItems.learnerUserId, buyerUserId), eq(orderItems.projectId, project.id), eq(orderItems.active, true)))
    if (open?.status === OrderStatus.PAID) throw new ProjectAlreadyOwnedError()
    throw new OrderAlreadyPendingError()
  }
}
