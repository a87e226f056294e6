import { createHash, randomInt } from 'node:crypto'
import { maskIdNumber, maskPhone, passwordProblem } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { users } from '../../db/schema.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'
import { hashPassword, RANDOM_SECRET_PARAMS } from '../auth/auth.public.ts'
import { runParser, WorkerBudgetExceeded, type WorkerBudget } from '../../workers/worker-runner.ts'
import { SheetChangedError, SheetTooComplexError } from './bulk-registration.errors.ts'
import { createAccounts, findAccounts, recordSmsOutcome, type NewAccount } from './bulk-registration.repository.ts'
import { checkRow, markDuplicates, placeRow, type ExistingAccount, type ValidRow } from './bulk-registration.rules.ts'
import type { SheetRow } from './bulk-registration.sheet.ts'
import { isUniqueViolation } from '../../core/db-errors.ts'

/**
 * Staff bulk registration (ACC-5, OPS-2): a unit's sheet in, the missing accounts created in one
 * transaction, each learner told a one-time initial password by SMS (to be changed at first
 * sign-in), and a row-by-row result out. Running the same sheet again creates nothing: every row
 * then finds its account.
 */

export interface BulkRegistrationDeps {
  db: AppDb
  sms: SmsProvider
}

export type RowOutcome = 'created' | 'existed' | 'invalid'

export interface RowResult {
  line: number
  name: string
  idNumberMasked: string
  phoneMasked: string
  unit: string
  outcome: RowOutcome
  reason: string
  /** For created rows: whether the initial password reached the SMS provider. */
  sms: 'sent' | 'failed' | null
}

export interface BulkRegistrationResult {
  runId: number
  counts: { rows: number; created: number; existed: number; invalid: number; smsFailed: number }
  rows: RowResult[]
}

export interface BulkRegistrationRequest {
  content: Buffer
  fileName: string
  staff: string
  source: 'cli' | 'api'
}

// No 0/O, 1/l/I: the learner types it from an SMS on a phone.
const LETTERS = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz'
const DIGITS = '23456789'

export function generateInitialPassword(personal: { idNumber: string; phone: string }): string {
  for (;;) {
    const pick = (alphabet: string) => alphabet[randomInt(alphabet.length)] as string
    const chars = [pick(LETTERS), pick(DIGITS), ...Array.from({ length: 8 }, () => pick(LETTERS + DIGITS))]
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1)
      ;[chars[i], chars[j]] = [chars[j] as string, chars[i] as string]
    }
    const password = chars.join('')
    if (passwordProblem(password, personal) === null) return password
  }
}

/** Runs `work` over `items` with at most `limit` in flight (scrypt and SMS both want a cap). */
async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

function describe(source: { line: number; name: string; idNumber: string; phone: string; unit: string }, outcome: RowOutcome, reason: string): RowResult {
  return {
    line: source.line,
    name: source.name.trim(),
    idNumberMasked: maskIdNumber(source.idNumber.trim()),
    phoneMasked: maskPhone(source.phone.trim()),
    unit: source.unit,
    outcome,
    reason,
    sms: null,
  }
}

/**
 * A sheet is read in a worker thread (never on the event loop that serves learners) within this
 * budget; a file that needs more is refused. A list of 5,000 learners takes seconds; the wall time
 * is generous because the thread runs at nice 19 and a busy machine starves it.
 */
const SHEET_BUDGET: WorkerBudget = { timeoutMs: 30_000, maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 16 }

/** The unit's sheet as rows, read off the event loop (bulk-registration.sheet.ts does the reading). */
export async function readSheetOffThread(content: Buffer, fileName: string): Promise<SheetRow[]> {
  try {
    return await runParser('bulk-registration.sheet', { content, fileName }, SHEET_BUDGET)
  } catch (error) {
    if (error instanceof WorkerBudgetExceeded) throw new SheetTooComplexError()
    throw error
  }
}

// Only these mean that a learner registered one of the sheet's ID numbers or phones meanwhile.
const LEARNER_IDENTITY_CONSTRAINTS = new Set(
  [users.idNumberIndex, users.phoneIndex, users.legacyIdNumber, users.legacyPhone].map((column) => column.uniqueName),
)

/**
 * Whether the insert collided with an account registered since the sheet was checked. Any other
 * unique violation (an id sequence behind its rows, as an embedded database written by two
 * processes at once leaves it) is a fault, not a learner registering: it was reported as
 * 「导入期间有学员自行注册…」 once, and the same upload then succeeded.
 */
function isNewAccountConflict(error: unknown): boolean {
  return isUniqueViolation(error, LEARNER_IDENTITY_CONSTRAINTS)
}

export async function registerSheet(deps: BulkRegistrationDeps, request: BulkRegistrationRequest, now: Date): Promise<BulkRegistrationResult> {
  const sheetRows: SheetRow[] = await readSheetOffThread(request.content, request.fileName)
  const results: RowResult[] = []
  const valid: ValidRow[] = []
  for (const source of sheetRows) {
    const checked = checkRow(source, now)
    if (checked.ok) valid.push(checked.row)
    else results.push(describe(source, 'invalid', checked.reason))
  }
  const { unique, duplicates } = markDuplicates(valid)
  for (const { row, reason } of duplicates) results.push(describe(row, 'invalid', reason))

  const existing = await findAccounts(deps.db, unique.map((row) => row.idNumber), unique.map((row) => row.phone))
  const byId = new Map<string, ExistingAccount>(existing.map((account) => [account.idNumber, account]))
  const byPhone = new Map<string, ExistingAccount>(existing.map((account) => [account.phone, account]))
  const toCreate: ValidRow[] = []
  for (const row of unique) {
    const placement = placeRow(row, byId.get(row.idNumber), byPhone.get(row.phone))
    if (placement.kind === 'create') toCreate.push(row)
    else results.push(describe(row, placement.kind, placement.kind === 'existed' ? placement.note : placement.reason))
  }

  const passwords = toCreate.map((row) => generateInitialPassword(row))
  const hashes = await mapLimited(passwords, 4, (password) => hashPassword(password, RANDOM_SECRET_PARAMS))
  const accounts: NewAccount[] = toCreate.map((row, i) => ({ realName: row.name, idNumber: row.idNumber, phone: row.phone, passwordHash: hashes[i] as string, unit: row.unit }))
  const counts = {
    rows: sheetRows.length,
    created: accounts.length,
    existed: results.filter((r) => r.outcome === 'existed').length,
    invalid: results.filter((r) => r.outcome === 'invalid').length,
    smsFailed: 0,
  }
  let created: Awaited<ReturnType<typeof createAccounts>>
  try {
    created = await createAccounts(
      deps.db,
      { staff: request.staff, source: request.source, fileName: request.fileName.slice(0, 200), fileSha256: createHash('sha256').update(request.content).digest('hex'), rows: counts.rows, created: counts.created, existed: counts.existed, invalid: counts.invalid },
      accounts,
      now,
    )
  } catch (error) {
    if (isNewAccountConflict(error)) throw new SheetChangedError()
    throw error
  }

  // Messages go out only after the accounts are committed, so a password sent always works.
  const sent = await mapLimited(toCreate.map((row, i) => ({ phone: row.phone, password: passwords[i] as string })), 5, async (message) => {
    try {
      await deps.sms.sendInitialPassword(message)
      return true
    } catch {
      return false
    }
  })
  const sentUserIds = toCreate.filter((_, i) => sent[i]).map((row) => created.userIds.get(row.idNumber) as number)
  counts.smsFailed = sent.filter((ok) => !ok).length
  await recordSmsOutcome(deps.db, created.runId, sentUserIds, counts.smsFailed)
  toCreate.forEach((row, i) => {
    const result = describe(row, 'created', sent[i] ? '已创建，初始密码已短信发送，首次登录须修改密码' : '已创建，但初始密码短信发送失败：请学员在登录页点「忘记密码」用手机验证码设置密码')
    result.sms = sent[i] ? 'sent' : 'failed'
    results.push(result)
  })
  results.sort((a, b) => a.line - b.line)
  return { runId: created.runId, counts, rows: results }
}
