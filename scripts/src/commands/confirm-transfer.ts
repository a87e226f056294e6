/**
 * Staff confirm a 对公转账 for a group order (GRP-3): the order is settled through the same path as
 * a WeChat payment (its learners enrolled at once), exactly once; audited under the staff account.
 *
 *   pnpm --filter @app/scripts confirm-transfer --reference TT7K3M9QXA --amount 9000.00 --bank-serial <流水号> --staff zhang.laoshi
 */
import { parseArgs } from 'node:util'
import { confirmTransfer, findStaffByUsername } from '@app/server/commands'
import { openDatabase, runCli, UsageError } from './cli.ts'

const OUTCOMES: Record<string, string> = {
  paid: 'settled: the order is paid and its learners are enrolled',
  already_paid: 'the order was already paid: nothing changed',
  duplicate_payment: 'the order was already paid by WeChat Pay: this transfer is recorded as owed back to the unit',
}

await runCli(async () => {
  const { values } = parseArgs({
    options: { reference: { type: 'string' }, amount: { type: 'string' }, 'bank-serial': { type: 'string' }, staff: { type: 'string' } },
  })
  const { reference, amount, staff: username } = values
  const bankSerial = values['bank-serial']
  if (!reference || !amount || !bankSerial || !username) {
    throw new UsageError('usage: confirm-transfer --reference <TT…> --amount <yuan, e.g. 9000.00> --bank-serial <bank serial> --staff <staff username>')
  }
  if (!/^\d+(\.\d{1,2})?$/.test(amount)) throw new UsageError('--amount is the amount received in yuan, e.g. 9000.00')
  const amountFen = Math.round(Number(amount) * 100)
  const database = await openDatabase()
  try {
    const staff = await findStaffByUsername(database.db, username.trim().toLowerCase())
    if (!staff || staff.disabledAt) throw new UsageError(`no active staff account ${username} (create-staff makes one)`)
    const result = await confirmTransfer(database.db, staff.id, { reference, amountFen, bankSerial }, new Date())
    console.log(`order ${result.outTradeNo} (${result.status}): ${OUTCOMES[result.outcome] ?? result.outcome}`)
    if (result.refundDueFen > 0) console.log(`应退回单位 ${(result.refundDueFen / 100).toFixed(2)} 元（学员已自行购买的名额或重复付款），请按原路退回`)
  } finally {
    await database.close()
  }
})
