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
