import {
  checkInvoiceDetails,
  ORDER_PAYMENT_WINDOW_MINUTES,
  OrderStatus,
  type CreateOrderBody,
  type InvoiceRequest,
  type InvoiceRequestBody,
} from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { findPublishedProject } from '../catalogue/catalogue.read-model.ts'
import { ProjectNotFoundError } from '../catalogue/catalogue.errors.ts'
import { InvoiceInvalidError, OrderAlreadyPendingError, OrderTaxpayerIdUnconfirmedError, ProjectAlreadyOwnedError } from './orders.errors.ts'
import { findActiveEnrollment } from './orders.read-model.ts'
import { insertIndividualOrder, openItemOrder, type OrderRow } from './orders.repository.ts'
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
  const project = await findPublishedProject(db, body.projectId)
  if (!project) throw new ProjectNotFoundError()
  if (await findActiveEnrollment(db, buyerUserId, project.id)) throw new ProjectAlreadyOwnedError()

  try {
    return await db.transaction((tx) =>
      insertIndividualOrder(
        tx,
        { outTradeNo: newOutTradeNo(now), buyerUserId, projectId: project.id, priceFen: project.priceFen, invoice, expiresAt: new Date(now.getTime() + ORDER_PAYMENT_WINDOW_MINUTES * 60_000) },
        now,
      ),
    )
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    // Someone (another tab, a double tap) holds an open item: paid means owned, else pending.
    const open = await openItemOrder(db, buyerUserId, project.id)
    if (open?.status === OrderStatus.PAID) throw new ProjectAlreadyOwnedError()
    throw new OrderAlreadyPendingError()
  }
}
