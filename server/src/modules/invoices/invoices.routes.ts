import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { and, eq } from 'drizzle-orm'
import {
  ApplyInvoiceBodySchema,
  IdParamsSchema,
  InvoiceDetailsSchema,
  InvoiceOrderListSchema,
  InvoiceSchema,
  InvoiceTitleListSchema,
  SendInvoiceEmailBodySchema,
  SendInvoiceEmailResultSchema,
} from '@app/shared'
import { invoices, orders } from '../../db/schema.ts'
import { BinarySchema, FileLinkQuerySchema, withErrors } from '../../core/route-schemas.ts'
import { documentFile, isValidInvoiceLink } from './invoice-files.ts'
import { emailInvoiceOnRequest } from './invoice-mail.ts'
import { InvoiceNotFoundError } from './invoices.errors.ts'
import { deleteTitle, findDocument, findOwnInvoice, listTitles } from './invoices.repository.ts'
import { applyForInvoice, modifyInvoice } from './invoices.service.ts'
import type { InvoiceDeps } from './invoices.types.ts'
import { invoiceOrders, invoiceView } from './invoices.view.ts'

const security = [{ bearer: [] }]
const FileParamsSchema = Type.Object({ documentId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false })

/** 我的发票 (INV-1 … INV-3): every query is scoped to the signed-in buyer. */
const invoiceRoutes: FastifyPluginAsyncTypebox<{ deps: InvoiceDeps }> = async (app, { deps }) => {
  function signedFileRequest(request: FastifyRequest): number | null {
    const match = /^\/api\/invoices\/files\/(\d+)\/invoice\.pdf\?/.exec(request.url)
    const query = request.query as { expires?: number; sig?: string }
    if (!match || query.sig === undefined || query.expires === undefined) return null
    const documentId = Number(match[1])
    return isValidInvoiceLink(deps.fileLinkKey, documentId, Number(query.expires), query.sig, deps.now()) ? documentId : null
  }

  // The PDF also opens from a signed link: WeChat's download and print cannot send a token.
  app.addHook('preHandler', async (request, reply) => {
    if (signedFileRequest(request) === null) await app.authenticate(request, reply)
  })
  // Invoices carry names and taxpayer ids: no shared cache may keep them.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store')
  })

  async function ownView(userId: number, invoiceId: number) {
    const row = await findOwnInvoice(deps.db, userId, invoiceId)
    if (!row) throw new InvoiceNotFoundError()
    const [order] = await deps.db.select({ status: orders.status, refundedFen: orders.refundedFen }).from(orders).where(eq(orders.id, row.orderId))
    return invoiceView(deps, row, !order || order.status !== 'paid' || order.refundedFen > 0)
  }

  app.get(
    '/',
    { schema: { tags: ['invoices'], summary: '我的发票：已缴费的订单及其发票', security, response: withErrors({ 200: InvoiceOrderListSchema }) } },
    async (request) => ({ orders: await invoiceOrders(deps, request.user.uid) }),
  )

  app.post(
    '/',
    {
      schema: {
        tags: ['invoices'],
        summary: '申请开票（已支付、未退款的订单，缴费当年内，每个订单一张）',
        security,
        body: ApplyInvoiceBodySchema,
        response: withErrors({ 201: InvoiceSchema }),
      },
    },
    async (request, reply) => {
      const { orderId, ...details } = request.body
      const row = await applyForInvoice(deps, request.user.uid, orderId, details)
      reply.code(201)
      return ownView(request.user.uid, row.id)
    },
  )

  app.get(
    '/titles',
    { schema: { tags: ['invoices'], summary: '常用发票抬头', security, response: withErrors({ 200: InvoiceTitleListSchema }) } },
    async (request) => ({
      titles: (await listTitles(deps.db, request.user.uid)).map((t) => ({
        id: t.id,
        titleType: t.titleType,
        title: t.title,
        taxpayerId: t.taxpayerId === '' ? null : t.taxpayerId,
        email: t.email,
      })),
    }),
  )

  app.delete(
    '/titles/:id',
    { schema: { tags: ['invoices'], summary: '删除常用发票抬头', security, params: IdParamsSchema, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      if (!(await deleteTitle(deps.db, request.user.uid, request.params.id))) throw new InvoiceNotFoundError()
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/:id',
    { schema: { tags: ['invoices'], summary: '查看发票', security, params: IdParamsSchema, response: withErrors({ 200: InvoiceSchema }) } },
    async (request) => ownView(request.user.uid, request.params.id),
  )

  app.post(
    '/:id/modification',
    {
      schema: {
        tags: ['invoices'],
        summary: '修改发票（开票后15日内1次，不可跨年：红冲原发票并开具新发票）',
        security,
        params: IdParamsSchema,
        body: InvoiceDetailsSchema,
        response: withErrors({ 200: InvoiceSchema }),
      },
    },
    async (request) => {
      await modifyInvoice(deps, request.user.uid, request.params.id, request.body)
      return ownView(request.user.uid, request.params.id)
    },
  )

  app.post(
    '/:id/email',
    {
      schema: {
        tags: ['invoices'],
        summary: '发送到邮箱（发票 PDF；每张发票每天最多10次，间隔1分钟）',
        security,
        params: IdParamsSchema,
        body: SendInvoiceEmailBodySchema,
        response: withErrors({ 200: SendInvoiceEmailResultSchema }),
      },
    },
    async (request) => emailInvoiceOnRequest(deps, request.user.uid, request.params.id, request.body.email),
  )

  app.get(
    '/files/:documentId/invoice.pdf',
    {
      schema: {
        tags: ['invoices'],
        summary: '发票 PDF（查看、下载、打印）',
        security,
        params: FileParamsSchema,
        querystring: FileLinkQuerySchema,
        response: withErrors({ 200: BinarySchema }),
      },
    },
    async (request, reply) => {
      const doc = await findDocument(deps.db, request.params.documentId)
      if (!doc) throw new InvoiceNotFoundError()
      if (signedFileRequest(request) !== doc.id) {
        const [own] = await deps.db.select({ id: invoices.id }).from(invoices).where(and(eq(invoices.id, doc.invoiceId), eq(invoices.ownerUserId, request.user.uid)))
        if (!own) throw new InvoiceNotFoundError()
      }
      const bytes = await documentFile(deps, doc)
      return reply.type('application/pdf').header('content-disposition', `inline; filename="invoice-${doc.number ?? doc.id}.pdf"`).send(Buffer.from(bytes))
    },
  )
}
export default invoiceRoutes
