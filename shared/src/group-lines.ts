import { checkIdNumber, type IdNumberProblem } from './id-number.ts'
import { replaceInvisible } from './text-cleaning.ts'

/**
 * 团体购买 (GRP-1, GRP-2): a buyer pastes ID numbers, one a line, copied from a spreadsheet column.
 * These rules are shared so the H5 and the server count and clean lines the same way. No TypeBox
 * here: the H5 imports this file alone.
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
  pending_order: '该学员已自行下单购买本培训项目（待支付），请待其订单支付或关闭后再提交',
}

export function duplicateMessage(firstLine: number): string {
  return `与第${firstLine}行重复`
}

/** Splits pasted text into lines as a spreadsheet copy produces them (CRLF, LF or CR). */
export function splitGroupLines(text: string): string[] {
  return text.split(/\r\n|[\n\r\u2028\u2029]/)
}

const SPACES = /[ \t\u3000\u2000-\u200A\f\v]/g
const FULLWIDTH = /[\uFF10-\uFF19\uFF38\uFF58]/g

/**
 * Cleans one pasted line: what is unambiguous is fixed and reported; anything else is left for
 * the ID number check to refuse.
 */
export function normaliseGroupLine(raw: string): { value: string; fixes: GroupLineFix[] } {
  const fixes: GroupLineFix[] = []
  let value = raw
  const apply = (fix: GroupLineFix, clean: (text: string) => string) => {
    const next = clean(value)
    if (next !== value) fixes.push(fix)
    value = next
  }
  apply('invisible', (text) => replaceInvisible(text))
  apply('spaces', (text) => text.replace(SPACES, ''))
  apply('fullwidth', (text) => text.replace(FULLWIDTH, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)))
  apply('lowercase_x', (text) => text.replace(/x/g, 'X'))
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
