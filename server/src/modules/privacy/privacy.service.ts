import { ACCOUNT_CLOSURE_KEPT, ACCOUNT_CLOSURE_REMOVED, maskIdNumber, maskName, maskPhone, type ClosureCheck, type MyData, type StaffClosure } from '@app/shared'
import { openStored, seal } from '../../crypto/personal-data.ts'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import type { AccountClosureStatus } from '../../db/schema/privacy.ts'
import { withRetryAfter } from '../../core/errors.ts'
import { isValidLinkSignature, signLink } from '../../core/signed-links.ts'
import { CurrentPasswordWrongError, LoginThrottledError } from '../auth/auth.errors.ts'
import { endAllSessions, loadUser, verifyPassword } from '../auth/auth.public.ts'
import { lockUser } from '../auth/sessions.repository.ts'
import { clearAttempts, countAttempt } from '../auth/throttle.repository.ts'
import { SIGN_IN_PER_ACCOUNT, throttleKey } from '../auth/throttle.rules.ts'
import { recordStaffAction } from '../staff/staff.public.ts'
import { myDataWorkbook } from './my-data.view.ts'
import {
  AccountAlreadyClosedError,
  ClosureInvoiceInProgressError,
  ClosureNotFoundError,
  ClosureOrderPendingError,
  ClosureRefundInProgressError,
} from './privacy.errors.ts'
import { findClosureForUpdate, isClosed, listClosures, recordClosure, recordRefusal } from './privacy.repository.ts'
import { consentsOf, findBinding } from '../auth/auth.read-model.ts'
import { anonymiseUser, deleteBinding } from '../auth/users.repository.ts'
import { projectSummaries } from '../catalogue/catalogue.read-model.ts'
import { certificatesOf } from '../certificates/certificates.read-model.ts'
import { invoicesOf, invoiceTitlesOf } from '../invoices/invoices.read-model.ts'
import { deleteInvoiceTitles, lockInvoiceInProgress } from '../invoices/invoices.repository.ts'
import { watchedCourses } from '../learning/course-progress.read-model.ts'
import { countedHoursByProject } from '../learning/learning.read-model.ts'
import { buyerOrderIds, buyerOrdersForExport, enrollmentsOf } from '../orders/orders.read-model.ts'
import { lockOpenOrdersOfBuyer } from '../orders/orders.repository.ts'
import { hasRefundInProgress } from '../payments/payments.read-model.ts'
import type { PrivacyDeps } from './privacy.types.ts'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** The learner's plans (enrolments) with the 学时 of their completed courses, newest first. */
async function plansOf(db: AppDb, userId: number) {
  const enrolments = await enrollmentsOf(db, userId)
  const projectIds = enrolments.map((e) => e.projectId)
  const [projects, counted] = await Promise.all([projectSummaries(db, projectIds), countedHoursByProject(db, userId, projectIds)])
  return enrolments.map((e) => {
    const project = projects.get(e.projectId)
    return {
      projectTitle: project?.title ?? '',
      year: project?.year ?? 0,
      requiredHours: project?.requiredHours ?? 0,
      countedHours: counted.get(e.projectId) ?? 0,
      enrolledAt: e.enrolledAt,
      completedAt: e.completedAt,
    }
  })
}

/** Per course the learner has watched: its project's title, hours, the video credited (minutes) and completion. */
async function coursesOf(db: AppDb, userId: number) {
  const rows = await watchedCourses(db, userId)
  const projects = await projectSummaries(db, rows.map((r) => r.projectId))
  return rows.map(({ projectId, creditedMs, ...r }) => ({
    projectTitle: projects.get(projectId)?.title ?? '',
    ...r,
    creditedMinutes: Math.floor(creditedMs / 60_000),
  }))
}

/**
 * What stands in the way of closing the account, read under row locks in the closing transaction
 * and in this order (orders, then invoices; the caller locks the user's row after): the learner's
 * pending orders and those being refunded, refunds still with WeChat, invoices the provider is still
 * issuing or reversing. A payment notification that marks an order paid holds the same order row,
 * so closure and payment happen one after the other.
 */
async function closureBlockers(tx: AppTx, userId: number): Promise<{ orderPending: boolean; refundInProgress: boolean; invoiceInProgress: boolean }> {
  const openOrders = await lockOpenOrdersOfBuyer(tx, userId)
  const refund = await hasRefundInProgress(tx, await buyerOrderIds(tx, userId))
  const invoice = await lockInvoiceInProgress(tx, userId)
  return {
    orderPending: openOrders.some((o) => o.status === 'pending'),
    refundInProgress: openOrders.some((o) => o.status === 'refunding') || refund,
    invoiceInProgress: invoice,
  }
}

/** 我的个人信息 (PIPL art. 45): what the platform holds about this learner; ID numbers and phone masked unless revealed. */
export async function describeMyData(db: AppDb, userId: number, reveal: boolean): Promise<MyData> {
  const user = await loadUser({ db }, userId)
  const [binding, orders, plans, courses, certificates, invoices, invoiceTitles, consents] = await Promise.all([
    findBinding(db, userId),
    buyerOrdersForExport(db, userId),
    plansOf(db, userId),
    coursesOf(db, userId),
    certificatesOf(db, userId),
    invoicesOf(db, userId),
    invoiceTitlesOf(db, userId),
    consentsOf(db, userId),
  ])
  const idNumber = (value: string) => (reveal ? value : maskIdNumber(value))
  return {
    profile: {
      realName: user.realName,
      idNumber: idNumber(user.idNumber),
      phone: reveal ? user.phone : maskPhone(user.phone),
      revealed: reveal,
      registeredAt: user.createdAt.toISOString(),
      wechatBound: !!binding,
      wechatBoundAt: iso(binding?.createdAt ?? null),
    },
    orders: orders.map((o) => ({ ...o, createdAt: o.createdAt.toISOString(), paidAt: iso(o.paidAt) })),
    plans: plans.map((p) => ({ ...p, enrolledAt: p.enrolledAt.toISOString(), completedAt: iso(p.completedAt) })),
    courses: courses.map((c) => ({ ...c, completedAt: iso(c.completedAt) })),
    certificates: certificates.map((c) => ({ ...c, idNumber: idNumber(c.idNumber) })),
    invoices: invoices.map((i) => ({ ...i, issuedAt: iso(i.issuedAt) })),
    invoiceTitles,
    consents: consents.map((c) => ({ ...c, grantedAt: c.grantedAt.toISOString() })),
  }
}

/** How long a 「下载」 link of 我的个人信息 works. */
export const MY_DATA_LINK_TTL_SECONDS = 15 * 60

/** Path of a learner's workbook; the signed link names the account, so a link opens one account's file only. */
function myDataFilePath(userId: number): string {
  return `/api/privacy/files/${userId}/my-data.xlsx`
}

/** 「下载」: a link valid for 15 minutes that the browser (or WeChat) opens without the access token. */
export function myDataExportLink(deps: PrivacyDeps, userId: number): { url: string; expiresAt: string } {
  const now = deps.now()
  return {
    url: signLink(deps.linkKey, `my-data:${userId}`, myDataFilePath(userId), MY_DATA_LINK_TTL_SECONDS, now),
    expiresAt: new Date(now.getTime() + MY_DATA_LINK_TTL_SECONDS * 1000).toISOString(),
  }
}

/** Whether a 「下载」 link is genuine and unexpired for this account's workbook. */
export function isValidMyDataLink(deps: PrivacyDeps, userId: number, expires: number, sig: string): boolean {
  return isValidLinkSignature(deps.linkKey, `my-data:${userId}`, expires, sig, deps.now())
}

/**
 * The workbook behind a valid link: the owner's copy, with ID numbers and phone in full (art. 45's
 * right to a copy); null once the account is closed, so an old link shows nothing.
 */
export async function myDataFile(db: AppDb, userId: number): Promise<Buffer | null> {
  if (await isClosed(db, userId)) return null
  return myDataWorkbook(await describeMyData(db, userId, true))
}

type Blockers = Awaited<ReturnType<typeof closureBlockers>>

/** The refusals, in the order the learner should deal with them. */
function blockerErrors(blockers: Blockers): Error[] {
  const errors: Error[] = []
  if (blockers.orderPending) errors.push(new ClosureOrderPendingError())
  if (blockers.refundInProgress) errors.push(new ClosureRefundInProgressError())
  if (blockers.invoiceInProgress) errors.push(new ClosureInvoiceInProgressError())
  return errors
}

const codeOf = (error: Error) => (error as Error & { code: string }).code

/** Whether 注销账号 would pass now, and what it removes and keeps (the confirmation dialog). */
export async function checkClosure(db: AppDb, userId: number): Promise<ClosureCheck> {
  const errors = blockerErrors(await db.transaction((tx) => closureBlockers(tx, userId)))
  return {
    allowed: errors.length === 0,
    blockers: errors.map((e) => ({ code: codeOf(e), message: e.message })),
    removed: [...ACCOUNT_CLOSURE_REMOVED],
    kept: ACCOUNT_CLOSURE_KEPT.map((k) => ({ ...k })),
  }
}

/**
 * The closure itself, inside the caller's transaction that already holds the user's row lock:
 * every session ends, the WeChat binding and saved 发票抬头 go, the sign-in identifiers are removed
 * and the name anonymised; orders, invoices, certificates (with their own copies of name and ID
 * number), study records and consents stay. Recorded in account_closures.
 */
async function closeLocked(tx: AppTx, userId: number, closure: { closedBy: 'self' | 'staff'; staffId: number | null; note: string | null }, now: Date) {
  await endAllSessions(tx, userId, 'account_closed', now)
  await deleteBinding(tx, userId)
  await deleteInvoiceTitles(tx, userId)
  await anonymiseUser(tx, userId, { idNumber: seal('id_number', ''), phone: seal('phone', '') }, now)
  await recordClosure(tx, userId, closure, now)
}

/**
 * 注销账号 by the learner (PIPL art. 47): the password again, then the checks and the closure in
 * one transaction under the user's row lock. A refused request is recorded with its reasons (staff
 * see it) and answered with the first reason's code.
 */
export async function closeOwnAccount(db: AppDb, userId: number, password: string, now: Date): Promise<{ closedAt: string }> {
  const user = await loadUser({ db }, userId)
  // Counted like a sign-in: a stolen access token must not become a way to guess the password.
  const accountKey = throttleKey('user', String(user.id))
  const attempt = await countAttempt(db, accountKey, SIGN_IN_PER_ACCOUNT, now)
  if (!attempt.allowed) throw withRetryAfter(new LoginThrottledError(String(Math.ceil(attempt.retryAfterSeconds / 60))), attempt.retryAfterSeconds)
  if (!(await verifyPassword(password, user.passwordHash))) throw new CurrentPasswordWrongError()
  await clearAttempts(db, accountKey)

  const refusal = await db.transaction(async (tx) => {
    // Orders before the user's row: a payment notification locks its order and then (enrolling)
    // takes a key-share lock on the user's row, so the other order would deadlock with it.
    const errors = blockerErrors(await closureBlockers(tx, userId))
    const locked = await lockUser(tx, userId, 'update')
    // A password change (or another closure) committed since the check: the password given no longer holds.
    if (!locked || locked.passwordHash !== user.passwordHash) throw new CurrentPasswordWrongError()
    if (errors.length > 0) {
      await recordRefusal(tx, userId, errors.map(codeOf), now)
      return errors[0]
    }
    await closeLocked(tx, userId, { closedBy: 'self', staffId: null, note: null }, now)
    return null
  })
  if (refusal) throw refusal
  return { closedAt: now.toISOString() }
}

/**
 * Staff close an account whose self-service closure was refused, once the cause is resolved (the
 * order closed, the invoice issued, the refund done): the same checks and closure, audited in the
 * same transaction.
 */
export async function closeAccountByStaff(db: AppDb, staffId: number, closureId: number, note: string, now: Date): Promise<StaffClosure> {
  await db.transaction(async (tx) => {
    const closure = await findClosureForUpdate(tx, closureId)
    if (!closure) throw new ClosureNotFoundError()
    if (closure.status === 'closed') throw new AccountAlreadyClosedError()
    // Orders first, then the user's row (see closeOwnAccount).
    const [blocked] = blockerErrors(await closureBlockers(tx, closure.userId))
    if (blocked) throw blocked
    await lockUser(tx, closure.userId, 'update')
    await closeLocked(tx, closure.userId, { closedBy: 'staff', staffId, note }, now)
    await recordStaffAction(tx, { staffId, action: 'account.close', target: `user:${closure.userId}`, detail: { closureId } }, now)
  })
  const [closed] = (await closureRecords(db, { page: 1, pageSize: 1, id: closureId })).closures
  if (!closed) throw new ClosureNotFoundError()
  return closed
}

/** Staff's list of closure records (paged); names and phones masked, and gone for closed accounts. */
export async function closureRecords(db: AppDb, filter: { status?: AccountClosureStatus; page: number; pageSize: number; id?: number }) {
  const { rows, total } = await listClosures(db, filter)
  const closures: StaffClosure[] = rows.map(({ closure, realName, legacyPhone, phoneSealed }) => {
    const phone = closure.status === 'closed' ? '' : openStored('phone', phoneSealed, legacyPhone)
    return {
      id: closure.id,
      userId: closure.userId,
      status: closure.status,
      blockers: closure.blockers,
      realNameMasked: closure.status === 'closed' ? realName : maskName(realName),
      phoneMasked: phone ? maskPhone(phone) : null,
      requestedAt: closure.requestedAt.toISOString(),
      closedAt: iso(closure.closedAt),
      closedBy: closure.closedBy,
      staffId: closure.staffId,
      note: closure.note,
    }
  })
  return { closures, total, page: filter.page, pageSize: filter.pageSize }
}
