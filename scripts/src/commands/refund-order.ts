/**
 * Staff refund of a paid order (PAY-4, OPS-4): the whole amount, through WeChat Pay's
 * /v3/refund/domestic/refunds. The result arrives by the refund notification; `--sync` asks WeChat
 * about a refund already requested (e.g. when the notification was lost).
 *
 *   pnpm --filter @app/scripts refund-order <out_trade_no> --reason "学员申请退款" --staff 张老师
 *   pnpm --filter @app/scripts refund-order --sync <out_refund_no>
 */
import { parseArgs } from 'node:util'
import { createWechatPayClient, createWechatRuntime, loadConfig, requestRefund, reverseForRefundedOrder, syncRefund } from '@app/server/commands'
import { openDatabase, runCli, UsageError } from './cli.ts'

await runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { reason: { type: 'string' }, staff: { type: 'string' }, sync: { type: 'boolean', default: false } },
  })
  const number = positionals[0]
  if (!number) throw new UsageError('usage: refund-order <out_trade_no> --reason <text> --staff <name> | refund-order --sync <out_refund_no>')
  const config = loadConfig()
  if (!config.wechat) throw new UsageError('refunds need real WeChat Pay credentials (the simulator lives inside the development server)')
  const wechat = createWechatRuntime(config, null).settings
  const database = await openDatabase()
  const log = { info() {}, warn: (o: object, m?: string) => console.warn(m ?? '', o), error: (o: object, m?: string) => console.error(m ?? '', o) }
  // A refund this command sees succeed red-letters the order's issued invoice, as the notification
  // does; the server's invoice job sends the red-letter invoice on its next round.
  const onRefunded = async (outTradeNo: string) => void (await reverseForRefundedOrder({ db: database.db, now: () => new Date(), kick: () => {} }, outTradeNo))
  const deps = { db: database.db, wechat, pay: createWechatPayClient(wechat), publicBaseUrl: config.publicBaseUrl, log, onRefunded }
  try {
    if (values.sync) {
      const outcome = await syncRefund(deps, number, new Date())
      console.log(`refund ${number}: ${outcome.kind}${outcome.kind === 'rejected' ? ` (${outcome.reason})` : ''}`)
      return
    }
    if (!values.reason || !values.staff) throw new UsageError('--reason and --staff are required (they are kept with the refund)')
    const outRefundNo = await requestRefund(deps, { outTradeNo: number, reason: values.reason, staff: values.staff }, new Date())
    console.log(`refund requested: ${outRefundNo} for order ${number}; the order shows 已退款 when WeChat confirms`)
  } finally {
    await database.close()
  }
})
