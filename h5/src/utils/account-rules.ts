// Client-side checks of the sign-in forms, built on the shared pure rules the server also applies.
// Each returns the message to show under the field, or '' when the value is fine.
import { checkIdNumber, normaliseIdNumber } from '@app/shared/id-number'
import { passwordProblem } from '@app/shared/password'
import { isMobilePhone, normalisePhone } from '@app/shared/phone'
import { isRealName, normaliseRealName, REAL_NAME_HINT } from '@app/shared/real-name'

/** The server's rule (ACC-1): letters of a name as on the ID card, 2–30 of them, not just a length. */
export function realNameMessage(raw: string): string {
  const name = normaliseRealName(raw)
  if (name === '') return '请输入真实姓名'
  return isRealName(name) ? '' : REAL_NAME_HINT
}

export function idNumberMessage(raw: string): string {
  const result = checkIdNumber(raw)
  return result.ok ? '' : result.message
}

export function phoneMessage(raw: string): string {
  const phone = normalisePhone(raw)
  if (phone === '') return '请输入手机号'
  return isMobilePhone(phone) ? '' : '请输入正确的11位手机号码'
}

export function smsCodeMessage(raw: string): string {
  const code = raw.trim()
  if (code === '') return '请输入短信验证码'
  return /^\d{6}$/.test(code) ? '' : '请输入6位数字短信验证码'
}

export function passwordMessage(password: string, personal: { idNumber?: string; phone?: string } = {}): string {
  if (password === '') return '请输入密码'
  return passwordProblem(password, personal) ?? ''
}

export function confirmMessage(password: string, confirm: string): string {
  if (confirm === '') return '请再次输入密码'
  return confirm === password ? '' : '两次输入的密码不一致'
}

/**
 * The sign-in account as the server expects it: a phone without spaces or +86, or an ID number
 * with an upper-case X. Which one it is follows from the shape: 11 digits is a phone.
 */
export function normaliseAccount(raw: string): string {
  const phone = normalisePhone(raw)
  return isMobilePhone(phone) ? phone : normaliseIdNumber(raw)
}

export function accountMessage(raw: string): string {
  const account = normaliseAccount(raw)
  if (account === '') return '请输入身份证号或手机号'
  if (isMobilePhone(account)) return ''
  // Up to 11 digits reads as a phone number being typed; anything longer as an ID number.
  if (/^\d{1,11}$/.test(account)) return '请输入正确的11位手机号码'
  return idNumberMessage(account)
}
