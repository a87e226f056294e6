/**
 * Seals personal data at rest and rotates its key (docs/security.md, "Personal data at rest"):
 * rows still holding an ID number or phone in clear (written before encryption at rest) are sealed
 * and indexed, their plain column nulled; values sealed with a key other than DATA_KEY_CURRENT are
 * sealed again with it. Batches are short transactions, so the service keeps running; a run that
 * is stopped (Ctrl-C, lost connection, --max-batches) is resumed by running it again.
 *
 *   pnpm --filter @app/scripts rotate-data-key [--batch-size 500] [--max-batches N] [--dry-run]
 */
import { parseArgs } from 'node:util'
import { countPendingPersonalData, personalDataKeys, type RotationProgress, sealPersonalData } from '@app/server/commands'
import { openDatabase, runCli, UsageError } from './cli.ts'

await runCli(async () => {
  const { values } = parseArgs({ options: { 'batch-size': { type: 'string' }, 'max-batches': { type: 'string' }, 'dry-run': { type: 'boolean' } } })
  const batchSize = Number(values['batch-size'] ?? 500)
  const maxBatches = values['max-batches'] === undefined ? undefined : Number(values['max-batches'])
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) throw new UsageError('--batch-size must be an integer from 1 to 5000')
  if (maxBatches !== undefined && (!Number.isInteger(maxBatches) || maxBatches < 1)) throw new UsageError('--max-batches must be a positive integer')
  const database = await openDatabase()
  try {
    const keys = personalDataKeys()
    console.log(`current key: ${keys.current}; readable keys: ${[...keys.keys.keys()].join(', ')}${keys.sample ? ' (the development sample keys)' : ''}`)
    const pending = await countPendingPersonalData(database.db)
    for (const [field, n] of Object.entries(pending)) console.log(`${field}: ${n} row(s) plain or on an older key`)
    if (values['dry-run']) return
    const started = Date.now()
    let lastPrinted = 0
    let unprinted: RotationProgress | null = null
    const print = (p: RotationProgress) => console.log(`${p.field}: ${p.done}/${p.total} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
    const finished = await sealPersonalData(database.db, {
      batchSize,
      ...(maxBatches === undefined ? {} : { maxBatches }),
      onProgress: (p) => {
        // At most one line a second, and always a field's last.
        if (unprinted && unprinted.field !== p.field) print(unprinted)
        unprinted = p
        if (p.done === p.total || Date.now() - lastPrinted >= 1000) {
          lastPrinted = Date.now()
          print(p)
          unprinted = null
        }
      },
    })
    if (unprinted) print(unprinted)
    const left = Object.values(await countPendingPersonalData(database.db)).reduce((a, b) => a + b, 0)
    console.log(finished && left === 0 ? 'done: every value is sealed with the current key; keys no longer listed may now be removed from DATA_KEYS' : `stopped: ${left} row(s) left; run the command again to carry on`)
  } finally {
    await database.close()
  }
})
