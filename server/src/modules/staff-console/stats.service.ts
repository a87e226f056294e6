import type { CompletionReportQuery, CompletionSummary, CompletionSummaryQuery, StatsOverview, StatsPeriod } from '@app/shared'
import type { FastifyBaseLogger } from 'fastify'
import type { AppDb } from '../../db/client.ts'
import { registrationsBetween } from '../auth/registration-stats.read-model.ts'
import { completionReport } from '../certificates/completion-report.read-model.ts'
import { completionByOrganisation, planYears, type CompletionGroup } from '../certificates/completion-summary.read-model.ts'
import { completionWorkbook } from '../certificates/completion-report.public.ts'
import { districtName } from '../certificates/districts.rules.ts'
import { learnersStudyingSince } from '../learning/studying-now.read-model.ts'
import { paidOrdersBetween } from '../orders/order-stats.read-model.ts'
import { refundedFenBetween } from '../payments/refund-stats.read-model.ts'
import { recordStaffAction, type StaffPrincipal } from '../staff/staff.public.ts'
import {
  addPeriods,
  beijingDayStart,
  beijingYear,
  beijingYearStart,
  COMPLETION_REFRESH_MS,
  defaultPlanYear,
  nextDay,
  STUDYING_WINDOW_MINUTES,
} from './stats.rules.ts'

export interface StatsDeps {
  db: AppDb
  now: () => Date
  log: FastifyBaseLogger
}

interface Counted {
  at: Date
  groups: CompletionGroup[]
}

const UNASSIGNED = '未选择单位'

async function period(db: AppDb, from: Date, to: Date): Promise<StatsPeriod> {
  const [paid, refundedFen, registrations] = await Promise.all([paidOrdersBetween(db, from, to), refundedFenBetween(db, from, to), registrationsBetween(db, from, to)])
  return { paidOrders: paid.orders, paidFen: paid.fen, refundedFen, revenueFen: paid.fen - refundedFen, registrations }
}

/**
 * 统计 (docs/staff.md). At a year of data (tens of millions of rows) no figure may read a year of
 * rows per request: today's figures are short index ranges; the year's days before today cannot
 * change and are counted once a day per server instance; completion by unit and 区县 is counted
 * in the database (one row per unit) and kept COMPLETION_REFRESH_MS, then counted again in the
 * background while the last figures are still shown.
 */
export function createStatsService(deps: StatsDeps) {
  const { db, now } = deps
  let earlierDays: { key: string; figures: Promise<StatsPeriod> } | null = null
  const counted = new Map<number, Counted>()
  const counting = new Map<number, Promise<Counted>>()

  function yearBeforeToday(dayStart: Date, year: number): Promise<StatsPeriod> {
    const key = dayStart.toISOString()
    if (earlierDays?.key !== key) {
      const figures = period(db, beijingYearStart(year), dayStart)
      figures.catch(() => (earlierDays = null))
      earlierDays = { key, figures }
    }
    return earlierDays.figures
  }

  async function overview(): Promise<StatsOverview> {
    const at = now()
    const dayStart = beijingDayStart(at)
    const year = beijingYear(at)
    const [today, earlier, studyingNow] = await Promise.all([
      period(db, dayStart, nextDay(dayStart)),
      yearBeforeToday(dayStart, year),
      learnersStudyingSince(db, new Date(at.getTime() - STUDYING_WINDOW_MINUTES * 60_000)),
    ])
    return { asOf: at.toISOString(), today, year: { year, ...addPeriods(earlier, today) }, studyingNow, studyingWindowMinutes: STUDYING_WINDOW_MINUTES }
  }

  function count(year: number): Promise<Counted> {
    let running = counting.get(year)
    if (!running) {
      const at = now()
      running = completionByOrganisation(db, year)
        .then((groups) => {
          const fresh = { at, groups }
          counted.set(year, fresh)
          return fresh
        })
        .finally(() => counting.delete(year))
      counting.set(year, running)
    }
    return running
  }

  async function completionGroups(year: number): Promise<Counted> {
    const kept = counted.get(year)
    if (!kept) return count(year)
    if (now().getTime() - kept.at.getTime() > COMPLETION_REFRESH_MS) {
      count(year).catch((error: unknown) => deps.log.error({ err: error, year }, 'counting completion by unit failed'))
    }
    return kept
  }

  async function completion(query: CompletionSummaryQuery): Promise<CompletionSummary> {
    const years = await planYears(db)
    const year = query.year ?? defaultPlanYear(years, beijingYear(now()))
    const { at, groups } = await completionGroups(year)
    const districts = new Map<string, { code: string | null; name: string; enrolled: number; completed: number }>()
    const units = new Map<number, { unitId: number; name: string; districtName: string; enrolled: number; completed: number }>()
    const total = { enrolled: 0, completed: 0 }
    for (const g of groups) {
      total.enrolled += g.enrolled
      total.completed += g.completed
      const code = g.districtCode
      const district = districts.get(code ?? '') ?? { code, name: code ? (districtName(code) ?? code) : UNASSIGNED, enrolled: 0, completed: 0 }
      district.enrolled += g.enrolled
      district.completed += g.completed
      districts.set(code ?? '', district)
      if (g.unitId !== null) {
        const unit = units.get(g.unitId) ?? { unitId: g.unitId, name: g.organisationName ?? '', districtName: code ? (districtName(code) ?? '') : '', enrolled: 0, completed: 0 }
        unit.enrolled += g.enrolled
        unit.completed += g.completed
        units.set(g.unitId, unit)
      }
    }
    const byLearners = <T extends { enrolled: number; name: string }>(a: T, b: T) => b.enrolled - a.enrolled || a.name.localeCompare(b.name, 'zh-CN')
    const q = query.q?.trim()
    const matching = [...units.values()].filter((u) => !q || u.name.includes(q)).sort(byLearners)
    return {
      year,
      years,
      computedAt: at.toISOString(),
      total,
      districts: [...districts.values()].sort(byLearners),
      units: matching.slice(0, query.top ?? 10),
      unitsMatched: matching.length,
    }
  }

  /**
   * 下载完成情况报表: the workbook the `completion-report` command writes, ID numbers masked,
   * recorded as `report.completion_download` before it is answered.
   */
  async function completionReportFile(staff: StaffPrincipal, query: CompletionReportQuery): Promise<{ file: Buffer; fileName: string }> {
    const rows = await completionReport(db, { year: query.year, unitId: query.unit, districtCode: query.district })
    const scope =
      query.unit !== undefined
        ? (rows[0]?.organisationName ?? `单位${query.unit}`)
        : query.district !== undefined
          ? `重庆市${districtName(query.district) ?? query.district}`
          : '全部单位'
    const target = query.unit !== undefined ? `unit:${query.unit}` : query.district !== undefined ? `district:${query.district}` : `year:${query.year}`
    const file = await completionWorkbook(rows, { title: `${query.year}年${scope}继续教育完成情况`, fullIdNumbers: false })
    await db.transaction((tx) => recordStaffAction(tx, { staffId: staff.id, action: 'report.completion_download', target, detail: { year: query.year, rows: rows.length } }, now()))
    return { file, fileName: `${query.year}年${scope}完成情况.xlsx` }
  }

  /**
   * Counts the slow figures once when the server starts (the year's earlier days, this plan year's
   * completion), so the first staff member to open 统计 does not wait for them.
   */
  async function warm(): Promise<void> {
    try {
      await Promise.all([overview(), completion({})])
    } catch (error) {
      deps.log.error({ err: error }, 'counting 统计 at start-up failed')
    }
  }

  return { overview, completion, completionReportFile, warm }
}

export type StatsService = ReturnType<typeof createStatsService>
