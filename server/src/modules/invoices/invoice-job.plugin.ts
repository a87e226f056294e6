import type { FastifyPluginAsync } from 'fastify'
import { runInvoiceJobOnce } from './invoices.job.ts'
import type { InvoiceDeps } from './invoices.types.ts'

/**
 * Runs the invoice job in a server: every `intervalMs`, and soon after `kick` (an application was
 * made). One round at a time per instance; instances share the work through the database.
 */
export function createInvoiceJobRunner(intervalMs: number) {
  let deps: InvoiceDeps | null = null
  let running: Promise<void> | null = null
  let again = false
  let timer: NodeJS.Timeout | null = null
  let stopped = false

  function run(): void {
    if (!deps || stopped) return
    if (running) {
      again = true
      return
    }
    const current = deps
    running = runInvoiceJobOnce(current)
      .then(() => undefined)
      .catch((error: unknown) => current.log.error({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'invoice job round failed'))
      .finally(() => {
        running = null
        if (again) {
          again = false
          run()
        }
      })
  }

  const plugin: FastifyPluginAsync<{ deps: InvoiceDeps }> = async (app, options) => {
    deps = options.deps
    timer = setInterval(run, intervalMs)
    timer.unref()
    app.addHook('onClose', async () => {
      stopped = true
      if (timer) clearInterval(timer)
      await running
    })
  }
  return { plugin, kick: run }
}
