import { checkIdNumber, maskIdNumber, maskPhone, normaliseIdNumber, type LearnerDetail, type LearnerPage, type LearnerPasswordReset, type LearnerSearchQuery, type LearnerTimeline } from '@app/shared'
import type { FastifyBaseLogger } from 'fastify'
import type { AppDb } from '../../db/client.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'
import { changePhoneByStaff, correctIdentityByStaff, resetPasswordByStaff, setDisabledByStaff, unbindWechatByStaff } from '../auth/auth.public.ts'
import { searchLearnerAccounts } from '../auth/learner-search.repository.ts'
import type { Db } from '../auth/sessions.repository.ts'
import { findBindingByUser, findUserById, type UserRow } from '../auth/users.repository.ts'
import { generateInitialPassword } from '../bulk-registration/bulk-registration.public.ts'
import { learnerCourseRecords, learnerCourseTimeline } from '../learning/learner-record.read-model.ts'
import { sumCompletions } from '../learning/plans.repository.ts'
import { recordStaffAction, type StaffPrincipal } from '../staff/staff.public.ts'
import { isClosed } from '../privacy/privacy.repository.ts'
import { LearnerClosedError, LearnerHasCertificateError, LearnerIdentityMismatchError, LearnerNotFoundError } from './learners.errors.ts'
import { holdsCertificate } from '../certificates/certificates.read-model.ts'
import { learnerCertificates, learnerEnrollments, learnerInvoices, learnerOrders, unitNameContains, unitNames } from './learners.repository.ts'

export interface LearnerConsoleDeps {
  db: AppDb
  sms: SmsProvider
  now: () => Date
  log: FastifyBaseLogger
}

const iso = (d: Date | null) => d?.toISOString() ?? null

async function learner(db: AppDb, id: number): Promise<UserRow> {
  const user = await findUserById(db, id)
  if (!user) throw new LearnerNotFoundError()
  return user
}

/** A learner staff may act on: not a closed (注销) account. */
async function actionable(db: AppDb, id: number): Promise<UserRow> {
  const user = await learner(db, id)
  if (await isClosed(db, id)) throw new LearnerClosedError()
  return user
}

/**
 * 查找学员: by exact ID number, phone or name (+ 单位), a page at a time. ID numbers and phones are
 * masked here; the full value only through `revealLearnerField`, with a reason. Searching is not
 * audited (it shows nothing unmasked), revealing and every change are.
 */
export async function searchLearners(db: AppDb, query: LearnerSearchQuery): Promise<LearnerPage> {
  const page = { page: query.page ?? 1, pageSize: query.pageSize ?? 20 }
  const narrow = query.by === 'name' && query.unit?.trim() ? unitNameContains(query.unit) : undefined
  const { rows, total } = await searchLearnerAccounts(db, query.by, query.q, page, narrow)
  const units = await unitNames(
    db,
    rows.map((r) => r.id),
  )
  return {
    items: rows.map((u) => ({
      id: u.id,
      realName: u.realName,
      idNumberMasked: maskIdNumber(u.idNumber),
      phoneMasked: maskPhone(u.phone),
      unitName: units.get(u.id) ?? null,
      createdAt: u.createdAt.toISOString(),
      disabled: u.disabledAt !== null,
    })),
    total,
    ...page,
  }
}

/** A learner's page: profile (masked), WeChat binding, orders, enrolments with progress, certificates, invoices. */
export async function learnerDetail(db: AppDb, id: number): Promise<LearnerDetail> {
  const user = await learner(db, id)
  const [binding, units, orders, enrollments, certificates, invoices] = await Promise.all([
    findBindingByUser(db, id),
    unitNames(db, [id]),
    learnerOrders(db, id),
    learnerEnrollments(db, id),
    learnerCertificates(db, id),
    learnerInvoices(db, id),
  ])
  const projectIds = enrollments.map((e) => e.projectId)
  const [courses, completions] = await Promise.all([learnerCourseRecords(db, id, projectIds), projectIds.length ? sumCompletions(db, id, projectIds) : []])
  const counted = new Map(completions.map((c) => [c.projectId, Number(c.hours)]))
  return {
    profile: {
      id: user.id,
      realName: user.realName,
      idNumberMasked: maskIdNumber(user.idNumber),
      phoneMasked: maskPhone(user.phone),
      unitName: units.get(id) ?? null,
      createdAt: user.createdAt.toISOString(),
      disabledAt: iso(user.disabledAt),
      mustChangePassword: user.mustChangePassword,
      hasCertificate: certificates.length > 0,
    },
    wechat: { bound: binding !== undefined, boundAt: iso(binding?.createdAt ?? null) },
    orders: orders.map((o) => ({ ...o, createdAt: o.createdAt.toISOString(), paidAt: iso(o.paidAt) })),
    enrollments: enrollments.map((e) => ({
      projectId: e.projectId,
      projectTitle: e.projectTitle,
      year: e.year,
      status: e.status,
      enrolledAt: e.enrolledAt.toISOString(),
      completedAt: iso(e.completedAt),
      countedHours: counted.get(e.projectId) ?? 0,
      requiredHours: Number(e.requiredHours),
      courses: courses
        .filter((c) => c.projectId === e.projectId)
        .map((c) => ({
          courseId: c.courseId,
          title: c.title,
          hours: c.hours,
          completedAt: iso(c.completedAt),
          chapters: c.chapters.map((ch) => ({ ...ch, completedAt: iso(ch.completedAt) })),
        })),
    })),
    certificates,
    invoices: invoices.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })),
  }
}

export async function learnerTimeline(db: AppDb, id: number, courseId: number, page: { page: number; pageSize: number }): Promise<LearnerTimeline> {
  await learner(db, id)
  const { items, total } = await learnerCourseTimeline(db, id, courseId, page)
  return {
    items: items.map((e) => ({
      ...e,
      at: e.at.toISOString(),
      until: iso(e.until),
      segments: e.segments.map((s) => ({
        fromSeconds: s.fromMs / 1000,
        toSeconds: s.toMs / 1000,
        startedAt: s.startedAt.toISOString(),
        endedAt: s.endedAt.toISOString(),
        creditedSeconds: s.creditedMs / 1000,
        questionsAsked: s.questionsAsked,
        answeredRight: s.answeredRight,
        answeredWrong: s.answeredWrong,
      })),
    })),
    total,
    ...page,
  }
}

function audit(staff: StaffPrincipal, action: string, learnerId: number, detail: Record<string, unknown>, now: Date) {
  return (tx: Db) => recordStaffAction(tx, { staffId: staff.id, action, target: `user:${learnerId}`, detail }, now)
}

/**
 * 查看完整号码: one field, for one learner, with the reason recorded in the audit log before the
 * value leaves (the record commits first; if it cannot be written, nothing is shown).
 */
export async function revealLearnerField(db: AppDb, staff: StaffPrincipal, id: number, field: 'id_number' | 'phone', reason: string, now: Date) {
  const user = await actionable(db, id)
  await recordStaffAction(db, { staffId: staff.id, action: 'learner.reveal', target: `user:${id}`, detail: { field, reason } }, now)
  return { field, value: field === 'id_number' ? user.idNumber : user.phone }
}

/**
 * 重置密码 (a learner's call: 「密码重置失败或手机号发生变更」): a new one-time password, texted to the
 * account's phone after the reset (and its audit record) committed; every session ends and the
 * learner must set a new password at the next sign-in.
 */
export async function resetLearnerPassword(deps: LearnerConsoleDeps, staff: StaffPrincipal, id: number, reason: string): Promise<LearnerPasswordReset> {
  const user = await actionable(deps.db, id)
  const password = generateInitialPassword(user)
  const now = deps.now()
  const sessionsEnded = await resetPasswordByStaff(deps.db, id, password, now, audit(staff, 'learner.reset_password', id, { reason }, now))
  let smsSent = true
  try {
    await deps.sms.sendInitialPassword({ phone: user.phone, password })
  } catch (error) {
    smsSent = false
    deps.log.warn({ learnerId: id, err: error instanceof Error ? error.message : String(error) }, 'staff password reset: the SMS did not go out')
  }
  return { phoneMasked: maskPhone(user.phone), sessionsEnded, smsSent }
}

function sameName(a: string, b: string): boolean {
  const clean = (s: string) => s.replace(/\s+/g, '').replace(/[·•．.]/g, '·')
  return clean(a) === clean(b)
}

/**
 * 更换手机号 after the identity check: the name and full ID number the caller states must match
 * the account (compared here, never shown to the staff member).
 */
export async function changeLearnerPhone(
  deps: LearnerConsoleDeps,
  staff: StaffPrincipal,
  id: number,
  input: { newPhone: string; statedName: string; statedIdNumber: string; reason: string },
): Promise<void> {
  const user = await actionable(deps.db, id)
  const stated = checkIdNumber(input.statedIdNumber)
  const statedId = stated.ok ? stated.value : normaliseIdNumber(input.statedIdNumber)
  if (statedId !== user.idNumber || !sameName(input.statedName, user.realName)) {
    await recordStaffAction(deps.db, { staffId: staff.id, action: 'learner.change_phone_refused', target: `user:${id}`, detail: { reason: input.reason } }, deps.now())
    throw new LearnerIdentityMismatchError()
  }
  const now = deps.now()
  await changePhoneByStaff(deps.db, id, input.newPhone, audit(staff, 'learner.change_phone', id, { reason: input.reason, identityChecked: ['name', 'id_number'] }, now), now)
}

export async function unbindLearnerWechat(deps: LearnerConsoleDeps, staff: StaffPrincipal, id: number, reason: string): Promise<void> {
  await actionable(deps.db, id)
  const now = deps.now()
  await unbindWechatByStaff(deps.db, id, audit(staff, 'learner.unbind_wechat', id, { reason }, now), now)
}

export async function setLearnerDisabled(deps: LearnerConsoleDeps, staff: StaffPrincipal, id: number, disabled: boolean, reason: string): Promise<void> {
  await actionable(deps.db, id)
  const now = deps.now()
  await setDisabledByStaff(deps.db, id, disabled, audit(staff, disabled ? 'learner.disable' : 'learner.enable', id, { reason }, now), now)
}

/** 更正个人信息 (姓名, 身份证号) before a certificate exists; the audit says what changed, not the values. */
export async function correctLearnerProfile(
  deps: LearnerConsoleDeps,
  staff: StaffPrincipal,
  id: number,
  input: { realName: string; idNumber: string; reason: string },
): Promise<void> {
  const user = await actionable(deps.db, id)
  const now = deps.now()
  const changed = [...(user.realName !== input.realName.trim() ? ['real_name'] : []), ...(user.idNumber !== normaliseIdNumber(input.idNumber) ? ['id_number'] : [])]
  await correctIdentityByStaff(
    deps.db,
    id,
    input,
    (tx) => holdsCertificate(tx, id),
    () => new LearnerHasCertificateError(),
    audit(staff, 'learner.correct_profile', id, { reason: input.reason, changed }, now),
    now,
  )
}
