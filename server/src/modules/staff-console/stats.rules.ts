import type { StatsPeriod } from '@app/shared'

/** Beijing time has no daylight saving: a day there starts at 16:00 UTC the day before. */
const BEIJING_OFFSET_MS = 8 * 3600_000
const DAY_MS = 86_400_000

/** How recent a playback report must be for its learner to count as studying now. */
export const STUDYING_WINDOW_MINUTES = 5
/** How long completion figures are kept before they are counted again (in the background). */
export const COMPLETION_REFRESH_MS = 5 * 60_000

/** Midnight (Beijing time) of the day `now` falls on. */
export function beijingDayStart(now: Date): Date {
  return new Date(Math.floor((now.getTime() + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS)
}

export function beijingYear(now: Date): number {
  return new Date(now.getTime() + BEIJING_OFFSET_MS).getUTCFullYear()
}

/** 1 January, midnight Beijing time. */
export function beijingYearStart(year: number): Date {
  return new Date(Date.UTC(year, 0, 1) - BEIJING_OFFSET_MS)
}

export function nextDay(dayStart: Date): Date {
  return new Date(dayStart.getTime() + DAY_MS)
}

export function addPeriods(a: StatsPeriod, b: StatsPeriod): StatsPeriod {
  return {
    paidOrders: a.paidOrders + b.paidOrders,
    paidFen: a.paidFen + b.paidFen,
    refundedFen: a.refundedFen + b.refundedFen,
    revenueFen: a.revenueFen + b.revenueFen,
    registrations: a.registrations + b.registrations,
  }
}

/** The plan year 统计 opens on: the latest year with plans not after this one, else this one. */
export function defaultPlanYear(years: number[], thisYear: number): number {
  return years.filter((y) => y <= thisYear).sort((a, b) => b - a)[0] ?? thisYear
}
