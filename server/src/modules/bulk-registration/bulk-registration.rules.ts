import { checkIdNumber, isMobilePhone, isRealName, normalisePhone, normaliseRealName, replaceInvisible } from '@app/shared'
import type { SheetRow } from './bulk-registration.sheet.ts'

/**
 * Row rules of bulk registration (ACC-5), pure: each row is valid (with canonical values) or
 * invalid with a reason in Chinese; then rows are compared with each other (duplicates) and with
 * the accounts that already exist (decided by the service after one bulk lookup).
 */

export interface ValidRow {
  line: number
  name: string
  idNumber: string
  phone: string
  unit: string
}

export type Checked = { ok: true; row: ValidRow } | { ok: false; line: number; source: SheetRow; reason: string }

export function checkRow(source: SheetRow, today: Date): Checked {
  const fail = (reason: string): Checked => ({ ok: false, line: source.line, source, reason })
  // The same rule as 注册 (shared/src/real-name.ts); an invisible character counts as a space.
  const name = normaliseRealName(replaceInvisible(source.name, ' '))
  if (name === '') return fail('姓名为空')
  if (!isRealName(name)) return fail('姓名应为与身份证一致的 2–30 个汉字或字母')
  if (source.idNumberProblem) return fail(source.idNumberProblem)
  const id = checkIdNumber(replaceInvisible(source.idNumber), today)
  if (!id.ok) return fail(id.message)
  const phone = normalisePhone(replaceInvisible(source.phone))
  if (phone === '') return fail('手机号为空')
  if (!isMobilePhone(phone)) return fail('手机号应为 11 位中国大陆手机号')
  return { ok: true, row: { line: source.line, name, idNumber: id.value, phone, unit: source.unit.slice(0, 100) } }
}

/**
 * Rows repeating an ID number or phone of an earlier row. An exact repeat (same person, same phone)
 * only loses its copy; rows that disagree (one ID with two phones, one phone for two IDs) are all
 * refused, because which one is right is for the unit to say.
 */
export function markDuplicates(rows: ValidRow[]): { unique: ValidRow[]; duplicates: Array<{ row: ValidRow; reason: string }> } {
  const byId = new Map<string, ValidRow[]>()
  const byPhone = new Map<string, ValidRow[]>()
  for (const row of rows) {
    byId.set(row.idNumber, [...(byId.get(row.idNumber) ?? []), row])
    byPhone.set(row.phone, [...(byPhone.get(row.phone) ?? []), row])
  }
  const refused = new Map<ValidRow, string>()
  for (const group of [...byId.values(), ...byPhone.values()]) {
    if (group.length < 2) continue
    const first = group[0] as ValidRow
    const conflicting = group.some((row) => row.idNumber !== first.idNumber || row.phone !== first.phone)
    for (const row of conflicting ? group : group.slice(1)) {
      if (refused.has(row)) continue
      const others = group.filter((other) => other !== row).map((other) => other.line).join('、')
      refused.set(row, conflicting
        ? `与第 ${others} 行的身份证号或手机号重复但不一致，请核对后再导入`
        : `与第 ${first.line} 行重复`)
    }
  }
  return {
    unique: rows.filter((row) => !refused.has(row)),
    duplicates: [...refused].map(([row, reason]) => ({ row, reason })).sort((a, b) => a.row.line - b.row.line),
  }
}

export interface ExistingAccount {
  id: number
  idNumber: string
  phone: string
  realName: string
}

export type Placement =
  | { kind: 'create' }
  | { kind: 'existed'; note: string }
  | { kind: 'invalid'; reason: string }

/** Where a row stands against the accounts found for its ID number and its phone. */
export function placeRow(row: ValidRow, byId: ExistingAccount | undefined, byPhone: ExistingAccount | undefined): Placement {
  if (byId && byPhone && byId.id === byPhone.id) {
    return { kind: 'existed', note: byId.realName === row.name ? '账号已存在' : '账号已存在（姓名与账号不同，未修改）' }
  }
  if (byId) return { kind: 'invalid', reason: '该身份证号已有账号，但绑定的是另一个手机号：请学员用原手机号登录，或联系客服更换' }
  if (byPhone) return { kind: 'invalid', reason: '该手机号已被另一个账号使用' }
  return { kind: 'create' }
}
