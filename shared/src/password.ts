/** Password policy: 8–32 characters with at least a letter and a digit; not the ID number or phone. */
export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 32

export function passwordProblem(password: string, personal: { idNumber?: string; phone?: string } = {}): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `密码至少${PASSWORD_MIN_LENGTH}位`
  if (password.length > PASSWORD_MAX_LENGTH) return `密码不能超过${PASSWORD_MAX_LENGTH}位`
  if (/\s/.test(password)) return '密码不能包含空格'
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return '密码须同时包含字母和数字'
  const lower = password.toLowerCase()
  if ((personal.idNumber && lower.includes(personal.idNumber.toLowerCase().slice(-6))) || (personal.phone && password.includes(personal.phone))) {
    return '密码不能包含身份证号码或手机号'
  }
  return null
}
