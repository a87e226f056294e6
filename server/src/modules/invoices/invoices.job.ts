import type { FastifyPluginAsync } from 'fastify'
import { InvoiceProviderError, type InvoiceResult } from '../../integrations/invoice/provider.ts'
import { applyFailed, applyIssued, claimDueDocuments, markSubmitted, reschedule } from './invoice-documents.repository.ts'
import { documentRequest } from './invoice-files.service.ts'
import { deliverPendingEmails } from './invoice-mail.service.ts'
import { findDocumentByKey, type InvoiceDocumentRow } from './invoices.repository.ts'
import { sweepCursor, sweepPaidNowOrders, sweepRefundedInvoices, type SweepCursor } from './invoice-sweeps.service.ts'
import type { InvoiceDeps } from './invoices.types.ts'

/**
 * The invoice job (INV-4). Its whole state is in the database, so a restart loses nothing: each
 * round claims due documents with FOR UPDATE SKIP LOCKED and pushes their next look-up ahead (a
 * lease), so several server instances never work on the same document at once, and a document
 * whose worker died is picked up again when its lease runs out. Provider calls happen outside any
 * transaction; outcomes are applied under row locks (invoice-documents.repository.ts).
 */

const LEASE_MS = 2 * 60_000
const BATCH = 10
/** Never more than this between two looks at an open document. */
const MAX_DELAY_MS = 10 * 60_000

function delayAfter(attempts: number, baseMs: number): number {
  return Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.max(0, attempts - 1))
}

/** Applies a provider answer; answers whether the document reached a final state. */
export async function applyResult(deps: Pick<InvoiceDeps, 'db' | 'now'>, doc: InvoiceDocumentRow, result: InvoiceResult): Promise<boolean> {
  const now = deps.now()
  if (result.state === 'issued') {
    await deps.db.transaction((tx) => applyIssued(tx, doc.id, result.number, result.issuedAt, now))
    return true
  }
  if (result.state === 'failed') {
    await deps.db.transaction((tx) => applyFailed(tx, doc.id, result.reason, now))
    return true
  }
  return false
}

/** One step for one claimed document: send it if not yet accepted, then ask for its result. */
export async function processDocument(deps: InvoiceDeps, doc: InvoiceDocumentRow): Promise<void> {
  const now = deps.now()
  try {
    let current = doc
    if (doc.state === 'pending') {
      const { providerRef } = await deps.provider.submit(await documentRequest(deps, doc))
      await markSubmitted(deps.db, doc.id, providerRef)
      current = { ...doc, state: 'submitted', providerRef }
    }
    const result = await deps.provider.query(current.idempotencyKey, current.providerRef, current.kind)
    if (!(await applyResult(deps, current, result))) {
      await reschedule(deps.db, current, new Date(now.getTime() + delayAfter(current.attempts, 3_000)))
    }
  } catch (error) {
    if (error instanceof InvoiceProviderError && !error.transient) {
      await deps.db.transaction((tx) => applyFailed(tx, doc.id, error.reason, now))
      return
    }
    // Timeouts, 5xx, unreachable: the same key is sent again later, so nothing is issued twice.
    const message = error instanceof Error ? error.message.slice(0, 200) : 'unknown error'
    deps.log.warn({ documentId: doc.id, provider: deps.provider.name, err: message }, 'invoice provider call failed; will retry')
    await reschedule(deps.db, doc, new Date(now.getTime() + delayAfter(doc.attempts, 5_000)), { lastError: message })
  }
}

/** A provider callback names a document: ask the provider now (the callback itself is not trusted). */
export async function pollDocumentNow(deps: InvoiceDeps, idempotencyKey: string): Promise<'applied' | 'pending' | 'unknown' | 'final'> {
  const doc = await findDocumentByKey(deps.db, idempotencyKey)
  if (!doc) return 'unknown'
  if (doc.state === 'issued' || doc.state === 'failed') return 'final'
  if (doc.state === 'waiting') return 'pending'
  const result = await deps.provider.query(doc.idempotencyKey, doc.providerRef, doc.kind)
  return (await applyResult(deps, doc, result)) ? 'applied' : 'pending'
}

/** Where each sweep goes on from (kept by the runner from one round to the next). */
export interface SweepCursors {
  paidNow: SweepCursor
  refunded: SweepCursor
}

/** One round: sweeps, then due documents until none is left (bounded), then e-mails. */
export async function runInvoiceJobOnce(deps: InvoiceDeps, cursors: SweepCursors = { paidNow: sweepCursor(), refunded: sweepCursor() }): Promise<{ processed: number }> {
  await sweepPaidNowOrders(deps, cursors.paidNow)
  await sweepRefundedInvoices(deps, cursors.refunded)
  let processed = 0
  for (let round = 0; round < 20; round++) {
    const claimed = await claimDueDocuments(deps.db, deps.now(), { batch: BATCH, leaseMs: LEASE_MS })
    if (claimed.length === 0) break
    for (const doc of claimed) await processDocument(deps, doc)
    processed += claimed.length
  }
  await deliverPendingEmails(deps)
  return { processed }
}

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
  const cursors: SweepCursors = { paidNow: sweepCursor(), refunded: sweepCursor() }

  function run(): void {
    if (!deps || stopped) return
    if (running) {
      again = true
      return
    }
    const current = deps
    running = runInvoiceJobOnce(current, cursors)
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
