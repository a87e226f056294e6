import { Type, type Static } from 'typebox'
import { FenSchema, IdSchema, TimestampSchema } from './common.ts'
import { checkIdNumber, type IdNumberProblem } from './id-number.ts'
import { OrderSchema } from './orders.ts'

/**
 * 团体购买 (GRP-1 … GRP-4): a buyer pastes ID numbers, one a line, copied from a spreadsheet column.
 * These rules are shared so the H5 and the server count and clean lines the same way.
 */

/** One order holds at most this many learners; bigger units split their list. */
export const MAX_GROUP_LINES = 5000
/** The pasted text: 5,000 lines with generous room for stray characters. */
export const MAX_GROUP_TEXT_LENGTH = 5000 * 48
/**
 * A group order stays payable this long (it holds its learners meanwhile): a 对公转账 takes a
 * working day or two to arrive; WeChat Pay is told the same time_expire.
 */
export const GROUP_ORDER_PAYMENT_WINDOW_HOURS = 72
/** The failures the check page shows; the rest are in the error file. */
export const GROUP_FAILURES_SHOWN = 20
/** Learners listed with a just-created order; the full list is under 团购订单. */
export const GROUP_LEARNERS_SHOWN = 100

/** What normalisation fixed on a line (reported, never rejected: GRP-2). */
export type GroupLineFix = 'spaces' | 'invisible' | 'fullwidth' | 'lowercase_x'

export const GROUP_FIX_LABELS: Record<GroupLineFix, string> = {
  spaces: '去除空格或制表符',
  invisible: '去除不可见字符',
  fullwidth: '全角字符改为半角',
  lowercase_x: '小写x改为大写X',
}

export type GroupLineProblem = IdNumberProblem | 'duplicate' | 'not_registered' | 'already_owned' | 'pending_order'

export const GROUP_PROBLEM_MESSAGES: Record<Exclude<GroupLineProblem, IdNumberProblem | 'duplicate'>, string> = {
  not_registered: '该身份证号码未注册账号，请学员先注册或联系工作人员统一注册',
  already_owned: '该学员已购买本培训项目',
  pending_order: '该学员已有待支付的订单（个人或团体），请支付或取消后再提交',
}

export function duplicateMessage(firstLine: number): string {
  return `与第${firstLine}行重复`
}

/** Splits pasted text into lines as a spreadsheet copy produces them (CRLF, LF or CR). */
export function splitGroupLines(text: string): string[] {
  return text.split(/\r\n|[\n\r\u2028\u2029]/)
}

// Zero-width characters, word joiner, BOM, soft hyphen and no-break space: invisible or looking
// like a plain space in a spreadsheet cell.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD\u00A0\u202F]/g
const SPACES = /[ \t\u3000\u2000-\u200A\f\v]/g
const FULLWIDTH = /[\uFF10-\uFF19\uFF38\uFF58]/g

/**
 * Cleans one pasted line: what is unambiguous is fixed and reported; anything else is left for
 * the ID number check to refuse.
 */
export function normaliseGroupLine(raw: string): { value: string; fixes: GroupLineFix[] } {
  const fixes: GroupLineFix[] = []
  let value = raw
  const apply = (fix: GroupLineFix, pattern: RegExp, replace: (ch: string) => string) => {
    const next = value.replace(pattern, replace)
    if (next !== value) fixes.push(fix)
    value = next
  }
  apply('invisible', INVISIBLE, () => '')
  apply('spaces', SPACES, () => '')
  apply('fullwidth', FULLWIDTH, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
  apply('lowercase_x', /x/g, () => 'X')
  return { value, fixes }
}

export type ParsedGroupLine =
  | { line: number; input: string; ok: true; idNumber: string; fixes: GroupLineFix[] }
  | { line: number; input: string; ok: false; problem: GroupLineProblem; message: string; fixes: GroupLineFix[] }

/**
 * The checks that need no database: format and check digit (GB 11643) and duplicates within the
 * list. Blank lines are skipped; line numbers are those of the pasted text.
 */
export function parseGroupLines(text: string, today: Date = new Date()): ParsedGroupLine[] {
  const out: ParsedGroupLine[] = []
  const firstLineOf = new Map<string, number>()
  const lines = splitGroupLines(text)
  for (let i = 0; i < lines.length; i++) {
    const input = lines[i] as string
    const { value, fixes } = normaliseGroupLine(input)
    if (value === '') continue
    const line = i + 1
    const checked = checkIdNumber(value, today)
    if (!checked.ok) {
      out.push({ line, input, ok: false, problem: checked.problem, message: checked.message, fixes })
      continue
    }
    const first = firstLineOf.get(checked.value)
    if (first !== undefined) {
      out.push({ line, input, ok: false, problem: 'duplicate', message: duplicateMessage(first), fixes })
      continue
    }
    firstLineOf.set(checked.value, line)
    out.push({ line, input, ok: true, idNumber: checked.value, fixes })
  }
  return out
}

/** Counts non-blank lines the way the server does (the page shows it while pasting). */
export function countGroupLines(text: string): number {
  let n = 0
  for (const line of splitGroupLines(text)) if (normaliseGroupLine(line).value !== '') n += 1
  return n
}

/** 张* / 张*明 / 欧**修: enough for the buyer to recognise a colleague, not to read a name off. */
export function maskName(name: string): string {
  const chars = [...name]
  if (chars.length <= 1) return '*'
  if (chars.length === 2) return `${chars[0]}*`
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`
}

export const GroupCheckBodySchema = Type.Object(
  { projectId: IdSchema, text: Type.String({ minLength: 1, maxLength: MAX_GROUP_TEXT_LENGTH }) },
  { additionalProperties: false },
)
export type GroupCheckBody = Static<typeof GroupCheckBodySchema>

const FixCountsSchema = Type.Object(
  { spaces: Type.Integer(), invisible: Type.Integer(), fullwidth: Type.Integer(), lowercase_x: Type.Integer() },
  { additionalProperties: false },
)
export type GroupFixCounts = Static<typeof FixCountsSchema>

export const GroupFailureSchema = Type.Object(
  { line: Type.Integer(), input: Type.String(), reason: Type.String() },
  { additionalProperties: false },
)
export type GroupFailure = Static<typeof GroupFailureSchema>

export const GroupLearnerSchema = Type.Object(
  { idNumberMasked: Type.String(), nameMasked: Type.String() },
  { additionalProperties: false },
)
export type GroupLearner = Static<typeof GroupLearnerSchema>

/**
 * 「立即购买」's answer. `created`: every line passed and the order exists. `rejected`: nothing was
 * created; counts, the first failures and a signed link to the whole error file.
 */
export const GroupCheckResultSchema = Type.Object(
  {
    outcome: Type.Union([Type.Literal('created'), Type.Literal('rejected')]),
    total: Type.Integer(),
    passed: Type.Integer(),
    failed: Type.Integer(),
    /** How many lines each fix was applied to. */
    fixes: FixCountsSchema,
    order: Type.Optional(OrderSchema),
    learners: Type.Optional(Type.Array(GroupLearnerSchema)),
    failures: Type.Optional(Type.Array(GroupFailureSchema)),
    errorFileUrl: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
export type GroupCheckResult = Static<typeof GroupCheckResultSchema>

/** Where a unit sends a 对公转账, shown with the order's own transfer reference (GRP-3). */
export const TransferInstructionsSchema = Type.Object(
  {
    accountName: Type.String(),
    accountNumber: Type.String(),
    bankName: Type.String(),
    /** To be written in the transfer's 附言/用途 so staff can match the receipt to the order. */
    reference: Type.String(),
    amountFen: FenSchema,
    confirmedAt: Type.Union([TimestampSchema, Type.Null()]),
  },
  { additionalProperties: false },
)
export type TransferInstructions = Static<typeof TransferInstructionsSchema>

export const GroupOrderSchema = Type.Object(
  {
    order: OrderSchema,
    learnerCount: Type.Integer(),
    /** Learners enrolled by this order (after payment; those who had bought meanwhile are not). */
    enrolledCount: Type.Integer(),
    completedCount: Type.Integer(),
    transfer: Type.Union([TransferInstructionsSchema, Type.Null()]),
  },
  { additionalProperties: false },
)
export type GroupOrder = Static<typeof GroupOrderSchema>

export const GroupOrderListSchema = Type.Object({ groupOrders: Type.Array(GroupOrderSchema) }, { additionalProperties: false })
export type GroupOrderList = Static<typeof GroupOrderListSchema>

export const GroupOrderLearnerSchema = Type.Object(
  {
    idNumberMasked: Type.String(),
    realName: Type.String(),
    /** enrolled by this order / covered otherwise (bought meanwhile: refunded to the unit) / not yet paid. */
    state: Type.Union([Type.Literal('enrolled'), Type.Literal('refund_due'), Type.Literal('unpaid')]),
    /** 计划完成度, percent of the required 学时. */
    percent: Type.Integer(),
    countedHours: Type.Number(),
    completed: Type.Boolean(),
  },
  { additionalProperties: false },
)
export type GroupOrderLearner = Static<typeof GroupOrderLearnerSchema>

export const GroupOrderLearnerPageSchema = Type.Object(
  {
    learners: Type.Array(GroupOrderLearnerSchema),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    /** Signed short-lived link to the whole list as .xlsx (works inside WeChat). */
    exportUrl: Type.String(),
  },
  { additionalProperties: false },
)
export type GroupOrderLearnerPage = Static<typeof GroupOrderLearnerPageSchema>

export const ConfirmTransferBodySchema = Type.Object(
  {
    reference: Type.String({ minLength: 4, maxLength: 32 }),
    amountFen: Type.Integer({ minimum: 1 }),
    /** The bank's serial number of the receipt. */
    bankSerial: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
)
export type ConfirmTransferBody = Static<typeof ConfirmTransferBodySchema>
