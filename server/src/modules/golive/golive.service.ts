import type { AppDb } from '../../db/client.ts'
import { recordStaffAction } from '../staff/staff.public.ts'
import type { GoLiveInput, GoLiveReport } from './golive.types.ts'
import { checkAccessToken, checkJsapiTicket, checkMenu } from './wechat.checks.ts'
import { checkPay } from './pay.checks.ts'
import { checkNotifyUrl, checkVerificationFile } from './site.checks.ts'
import { checkSms } from './sms.checks.ts'
import { checkNoticeTemplates } from './notice.checks.ts'

/**
 * Runs every go-live item against the configured WeChat, WeChat Pay and SMS provider (or the
 * simulator) and returns the report. Charges nobody and changes nothing at WeChat: the token comes
 * from stable_token's normal mode, the order queried cannot exist, the certificates call is a read.
 */
export async function runGoLiveCheck(input: GoLiveInput): Promise<GoLiveReport> {
  const token = await checkAccessToken(input)
  // Independent groups run side by side; each item keeps its fixed place in the report.
  const [ticket, menu, verification, pay, notify, sms, notices] = await Promise.all([
    checkJsapiTicket(input, token.token),
    checkMenu(input, token.token),
    checkVerificationFile(input),
    checkPay(input),
    checkNotifyUrl(input),
    checkSms(input),
    checkNoticeTemplates(input, token.token),
  ])
  const items = [token.item, ticket, verification, menu, pay.merchantKey, pay.publicKey, pay.apiV3Key, notify, sms, notices]
  return {
    ok: items.every((entry) => entry.verdict !== 'fail'),
    mode: input.mode,
    publicBaseUrl: input.publicBaseUrl,
    checkedAt: new Date((input.now ?? Date.now)()).toISOString(),
    items,
  }
}

/**
 * The check as staff run it from the console: the run is audited (OPS-5) with what failed. The
 * check writes nothing else, so its audit row is the whole of its transaction.
 */
export async function runAuditedGoLiveCheck(db: AppDb, staffId: number, input: GoLiveInput, now: () => Date): Promise<GoLiveReport> {
  const report = await runGoLiveCheck(input)
  const failed = report.items.filter((item) => item.verdict === 'fail').map((item) => item.id)
  await recordStaffAction(db, { staffId, action: 'golive.check', target: 'golive', detail: { ok: report.ok, failed } }, now())
  return report
}
