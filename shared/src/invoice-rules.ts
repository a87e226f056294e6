/** Checks for invoice details (INV-1); shared by the H5 form and the server. No TypeBox here. */

/** 统一社会信用代码 (18) or an older taxpayer id (15 or 20): digits and upper-case letters. */
export function taxpayerIdProblem(raw: string): string | null {
  const value = raw.trim().toUpperCase()
  if (value === '') return '单位发票须填写纳税人识别号'
  if (!/^[0-9A-Z]+$/.test(value) || ![15, 18, 20].includes(value.length)) {
    return '纳税人识别号应为15、18或20位数字或大写字母（一般为18位统一社会信用代码）'
  }
  return null
}

/**
 * What the tax system takes in a 发票抬头 or an address: printable text only. Control characters
 * (line breaks, tabs, NUL …), invisible format characters (zero-width spaces, direction marks) and
 * markup brackets are refused with a message saying so, here for the H5 before it submits and on
 * the server for every way in (「立即申请」 at the order, 「申请开票」, 「修改发票」).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_OR_INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/
const MARKUP = /[<>]/
/** Half of a surrogate pair alone: no character at all (a broken paste), refused like a control one. */
const LONE_SURROGATE = /\p{Cs}/u

export function invoiceTextProblem(raw: string, label: string): string | null {
  if (CONTROL_OR_INVISIBLE.test(raw) || LONE_SURROGATE.test(raw)) return `${label}不能包含换行、制表符等控制字符或不可见字符，请删除后重新填写`
  if (MARKUP.test(raw)) return `${label}不能包含“<”“>”等网页标记符号，税务系统不接受，请只填写文字、数字和常用标点`
  return null
}

export function emailProblem(raw: string): string | null {
  const text = invoiceTextProblem(raw, '电子邮箱')
  if (text) return text
  return /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(raw.trim()) ? null : '请输入正确的电子邮箱，电子发票将发送到该邮箱'
}

export function invoiceTitleProblem(raw: string, titleType: 'personal' | 'unit'): string | null {
  const text = invoiceTextProblem(raw, '发票抬头')
  if (text) return text
  const value = raw.trim()
  if (value.length < 2) return titleType === 'unit' ? '请输入单位全称' : '请输入发票抬头（个人姓名）'
  return value.length > 100 ? '发票抬头不能超过100个字' : null
}

/**
 * GB 32100-2015 统一社会信用代码: 18 characters from this 31-character set (no I, O, Z, S, V); the
 * last is a check character over the first 17 (weights 3^i mod 31, value 31 − sum mod 31).
 */
const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** The check character an 18-character code should end with, or null when the first 17 are not in the set. */
export function unifiedCreditCodeCheckChar(first17: string): string | null {
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const value = USCC_CHARSET.indexOf(first17[i] ?? '')
    if (value < 0) return null
    sum += value * (USCC_WEIGHTS[i] as number)
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31] as string
}

/**
 * A warning (not a refusal) for a well-formed taxpayer id whose GB 32100 check fails: finance
 * departments know their own code, and an old record may be right where our check is not, so the
 * learner is asked to confirm. 15- and 20-character older ids have no check character.
 */
export function taxpayerIdWarning(raw: string): string | null {
  const value = raw.trim().toUpperCase()
  if (taxpayerIdProblem(value) !== null || value.length !== 18) return null
  const expected = unifiedCreditCodeCheckChar(value.slice(0, 17))
  if (expected === value[17]) return null
  return '该纳税人识别号未通过统一社会信用代码校验，请与单位财务人员核实。确认无误仍可继续提交。'
}

export interface InvoiceDetailsInput {
  titleType: 'personal' | 'unit'
  title: string
  taxpayerId?: string | undefined
  email: string
  /** The learner confirmed a taxpayer id whose check character did not match (taxpayerIdWarning). */
  confirmTaxpayerId?: boolean | undefined
}

export interface CheckedInvoiceDetails {
  titleType: 'personal' | 'unit'
  title: string
  taxpayerId: string | null
  email: string
}

export type InvoiceDetailsCheck =
  | { ok: true; details: CheckedInvoiceDetails }
  /** invalid: refused (HTTP 400); unconfirmed: a taxpayer id that failed its check, not confirmed (409). */
  | { ok: false; kind: 'invalid' | 'unconfirmed'; message: string }

/**
 * The one rule for invoice details (INV-1), wherever they are given: 「立即申请」 with the order,
 * 「申请开票」 and 「修改发票」. A wrong format is refused; a well-formed unified social credit code
 * whose check character does not match is refused only until the learner confirms it.
 */
export function checkInvoiceDetails(input: InvoiceDetailsInput): InvoiceDetailsCheck {
  const title = input.title.trim()
  const taxpayerId = (input.taxpayerId ?? '').trim().toUpperCase()
  const email = input.email.trim()
  const problem =
    invoiceTitleProblem(input.title, input.titleType) ??
    (input.titleType === 'unit' ? taxpayerIdProblem(taxpayerId) : null) ??
    emailProblem(input.email)
  if (problem) return { ok: false, kind: 'invalid', message: problem }
  if (input.titleType === 'unit' && !input.confirmTaxpayerId) {
    const warning = taxpayerIdWarning(taxpayerId)
    if (warning) return { ok: false, kind: 'unconfirmed', message: warning }
  }
  // A personal invoice may carry an id too (a sole trader's), but only a well-formed one.
  const personalId = input.titleType === 'personal' && taxpayerId !== '' && taxpayerIdProblem(taxpayerId) === null ? taxpayerId : null
  return { ok: true, details: { titleType: input.titleType, title, taxpayerId: input.titleType === 'unit' ? taxpayerId : personalId, email } }
}
