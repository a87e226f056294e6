import { randomUUID } from 'node:crypto'
import {
  GROUP_FAILURES_SHOWN,
  GROUP_LEARNERS_SHOWN,
  GROUP_PROBLEM_MESSAGES,
  MAX_GROUP_LINES,
  maskIdNumber,
  maskName,
  parseGroupLines,
  type GroupCheckBody,
  type GroupCheckResult,
  type GroupFailure,
  type GroupFixCounts,
  type GroupLearner,
  type ParsedGroupLine,
} from '@app/shared'
import { findUsersByIdNumbers } from '../auth/auth.read-model.ts'
import { findPublishedProject } from '../catalogue/catalogue.read-model.ts'
import { ProjectNotFoundError } from '../catalogue/catalogue.errors.ts'
import { learnerHolds, toOrderDto } from '../orders/orders.read-model.ts'
import { spendCheckQuota } from './check-quota.service.ts'
import { storeCheckRun } from './group-check.repository.ts'
import { GroupListEmptyError, GroupListTooLongError } from './group-orders.errors.ts'
import { insertGroupOrder } from './group-orders.repository.ts'
import { signGroupFileLink } from './group-file-links.rules.ts'
import type { GroupOrderDeps } from './group-orders.types.ts'

/** The error file keeps failing lines this long (its links live 15 minutes; a re-download re-signs). */
const CHECK_RUN_TTL_MS = 2 * 3600_000

/** The line as entered, for the page and the error file: control characters (which spreadsheets refuse) dropped. */
function asEntered(input: string): string {
  // eslint-disable-next-line no-control-regex
  return input.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '').slice(0, 64)
}

function fixCounts(parsed: ParsedGroupLine[]): GroupFixCounts {
  const counts: GroupFixCounts = { spaces: 0, invisible: 0, fullwidth: 0, lowercase_x: 0 }
  for (const line of parsed) for (const fix of line.fixes) counts[fix] += 1
  return counts
}

interface Verdict {
  failures: GroupFailure[]
  learners: { userId: number; idNumber: string; realName: string }[]
}

/** Every rule for every line, with the accounts fetched in one query (GRP-2). */
async function judge(deps: GroupOrderDeps, projectId: number, parsed: ParsedGroupLine[]): Promise<Verdict> {
  // Two queries however long the list: the accounts (auth), then what holds them (orders).
  const accounts = await findUsersByIdNumbers(
    deps.db,
    parsed.flatMap((p) => (p.ok ? [p.idNumber] : [])),
  )
  const holds = await learnerHolds(deps.db, projectId, accounts.map((a) => a.userId))
  const byIdNumber = new Map(accounts.map((a) => [a.idNumber, { ...a, owned: false, inOpenOrder: false, ...holds.get(a.userId) }]))
  const verdict: Verdict = { failures: [], learners: [] }
  for (const line of parsed) {
    if (!line.ok) {
      verdict.failures.push({ line: line.line, input: asEntered(line.input), reason: line.message })
      continue
    }
    const account = byIdNumber.get(line.idNumber)
    const problem = !account ? 'not_registered' : account.owned ? 'already_owned' : account.inOpenOrder ? 'pending_order' : null
    if (problem) verdict.failures.push({ line: line.line, input: asEntered(line.input), reason: GROUP_PROBLEM_MESSAGES[problem] })
    else if (account) verdict.learners.push({ userId: account.userId, idNumber: account.idNumber, realName: account.realName })
  }
  return verdict
}

/**
 * 「立即购买」 for a pasted list: all lines pass → the order for N learners at N × price; any fails →
 * nothing is created, and the failing lines are kept for the error file (GRP-2). The ID numbers
 * checked count against a daily quota (check-quota.service.ts).
 */
export async function submitGroupList(
  deps: GroupOrderDeps,
  who: { buyerUserId: number; clientAddress: string },
  body: GroupCheckBody,
  now: Date,
): Promise<GroupCheckResult> {
  const { buyerUserId } = who
  const project = await findPublishedProject(deps.db, body.projectId)
  if (!project) throw new ProjectNotFoundError()
  const parsed = parseGroupLines(body.text, now)
  if (parsed.length === 0) throw new GroupListEmptyError()
  if (parsed.length > MAX_GROUP_LINES) throw new GroupListTooLongError(String(parsed.length))
  await spendCheckQuota(deps, who, parsed.filter((p) => p.ok).length, now)
  const fixes = fixCounts(parsed)

  const verdict = await judge(deps, project.id, parsed)
  if (verdict.failures.length === 0) {
    const order = await insertGroupOrder(
      deps.db,
      { buyerUserId, projectId: project.id, unitPriceFen: project.priceFen, learnerUserIds: verdict.learners.map((l) => l.userId), withTransfer: deps.transferAccount !== null },
      now,
    )
    const learners: GroupLearner[] = verdict.learners
      .slice(0, GROUP_LEARNERS_SHOWN)
      .map((l) => ({ idNumberMasked: maskIdNumber(l.idNumber), nameMasked: maskName(l.realName) }))
    return { outcome: 'created', total: parsed.length, passed: parsed.length, failed: 0, fixes, order: toOrderDto(order, project.title), learners }
  }

  const id = randomUUID()
  await storeCheckRun(deps.db, { id, buyerUserId, projectId: project.id, failures: verdict.failures, createdAt: now, expiresAt: new Date(now.getTime() + CHECK_RUN_TTL_MS) })
  return {
    outcome: 'rejected',
    total: parsed.length,
    passed: parsed.length - verdict.failures.length,
    failed: verdict.failures.length,
    fixes,
    failures: verdict.failures.slice(0, GROUP_FAILURES_SHOWN),
    errorFileUrl: signGroupFileLink(deps.fileKey, `/api/group-orders/checks/${id}/errors.xlsx`, now),
  }
}
