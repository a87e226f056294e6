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

export function emailProblem(raw: string): string | null {
  return /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(raw.trim()) ? null : '请输入正确的电子邮箱，电子发票将发送到该邮箱'
}

export function invoiceTitleProblem(raw: string, titleType: 'personal' | 'unit'): string | null {
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
