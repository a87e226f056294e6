import type { FastifyPluginAsync } from 'fastify'
import { pollDocumentNow } from './invoices.job.ts'
import type { InvoiceDeps } from './invoices.types.ts'

/**
 * The provider's result callback (POST /api/invoice-callbacks/<provider>). It carries no signature,
 * so it is only a hint: we ask the provider ourselves (pollDocumentNow) and apply that answer, the
 * same way whether the callback comes before or after the job's own poll. No session auth here.
 */
const invoiceCallbackRoutes: FastifyPluginAsync<{ deps: InvoiceDeps }> = async (app, { deps }) => {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body))

  app.post('/:provider', { schema: { hide: true } }, async (request, reply) => {
    const { provider } = request.params as { provider: string }
    if (provider !== deps.provider.name || !deps.provider.parseCallback || typeof request.body !== 'string') return reply.code(404).send({ status: '9999', message: 'unknown' })
    const callback = deps.provider.parseCallback(request.body, request.headers['content-type'])
    if (!callback) return reply.code(400).send({ status: '9999', message: 'invalid callback' })
    try {
      const outcome = await pollDocumentNow(deps, callback.idempotencyKey)
      request.log.info({ outcome, provider }, 'invoice provider callback')
    } catch (error) {
      // The job will poll again; the provider need not resend.
      request.log.warn({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'invoice callback look-up failed')
    }
    return { status: '0000', message: '成功' }
  })
}
export default invoiceCallbackRoutes
