import { Type, type Static } from 'typebox'
import { IdSchema, TimestampSchema } from './common.ts'
import { ConsolePageQuerySchema } from './staff-console.ts'
import { ClosedObject, Nullable } from './schema-helpers.ts'

/**
 * Schemas of the console's 统计 and 审计日志 (docs/staff.md). Money is integer fen; revenue is what
 * was paid in a period minus what was refunded in it (cash in, cash out).
 */

const Count = Type.Integer({ minimum: 0 })
const Fen = Type.Integer()
const Year = Type.Integer({ minimum: 2000, maximum: 2100 })
const DistrictCode = Type.String({ pattern: '^500[12][0-9]{2}$' })

/** Orders paid, money in and out, and new accounts in one period. */
export const StatsPeriodSchema = ClosedObject({
  /** Orders paid in the period (individual and group). */
  paidOrders: Count,
  /** What those orders brought in. */
  paidFen: Fen,
  /** Refunds that went out in the period (whatever day their orders were paid). */
  refundedFen: Fen,
  /** paidFen − refundedFen. */
  revenueFen: Fen,
  registrations: Count,
})
export type StatsPeriod = Static<typeof StatsPeriodSchema>

/** 统计's figures: today and this calendar year (Beijing time), and who is studying now. */
export const StatsOverviewSchema = ClosedObject({
  asOf: TimestampSchema,
  today: StatsPeriodSchema,
  year: ClosedObject({ year: Year, ...StatsPeriodSchema.properties }),
  /** Learners whose playback reported within the last `studyingWindowMinutes`. */
  studyingNow: Count,
  studyingWindowMinutes: Type.Integer(),
})
export type StatsOverview = Static<typeof StatsOverviewSchema>

export const CompletionSummaryQuerySchema = ClosedObject({
  /** The plan year; default the latest plan year not after this one. */
  year: Type.Optional(Year),
  /** Text of a unit's name: the unit table shows the matches instead of the top units. */
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[^\\u0000-\\u001F\\u007F]*$' })),
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
})
export type CompletionSummaryQuery = Static<typeof CompletionSummaryQuerySchema>

const CompletionCountsSchema = { enrolled: Count, completed: Count }

export const CompletionSummarySchema = ClosedObject({
  year: Year,
  /** Years that have plans, newest first. */
  years: Type.Array(Year, { maxItems: 100 }),
  /** When the figures were counted (they are kept a few minutes). */
  computedAt: TimestampSchema,
  total: ClosedObject(CompletionCountsSchema),
  /** Every 区县 with learners, most learners first; code null: 未选择单位. */
  districts: Type.Array(ClosedObject({ code: Nullable(DistrictCode), name: Type.String(), ...CompletionCountsSchema }), { maxItems: 100 }),
  /** The top units by learners, or those matching `q`. */
  units: Type.Array(ClosedObject({ unitId: IdSchema, name: Type.String(), districtName: Type.String(), ...CompletionCountsSchema }), { maxItems: 50 }),
  /** How many units have learners (or match `q`). */
  unitsMatched: Count,
})
export type CompletionSummary = Static<typeof CompletionSummarySchema>

/** 下载完成情况报表: one unit, one 区县, or every learner of the year. */
export const CompletionReportQuerySchema = ClosedObject({
  year: Year,
  unit: Type.Optional(IdSchema),
  district: Type.Optional(DistrictCode),
})
export type CompletionReportQuery = Static<typeof CompletionReportQuerySchema>

/** 审计日志: newest first, filtered by staff member, action, target and time. */
export const AuditLogQuerySchema = ClosedObject({
  ...ConsolePageQuerySchema,
  staffId: Type.Optional(IdSchema),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z_]+\\.[a-z_]+$' })),
  /** Exact target, as recorded (`user:123`, `order:…`, `staff:4`). */
  target: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001F\\u007F]*$' })),
  from: Type.Optional(TimestampSchema),
  to: Type.Optional(TimestampSchema),
})
export type AuditLogQuery = Static<typeof AuditLogQuerySchema>

export const AuditEntrySchema = ClosedObject({
  id: Type.Integer(),
  staffId: IdSchema,
  username: Type.String(),
  action: Type.String(),
  target: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown()),
  createdAt: TimestampSchema,
})
export type AuditEntry = Static<typeof AuditEntrySchema>

export const AuditLogPageSchema = ClosedObject({
  items: Type.Array(AuditEntrySchema),
  /** Counted up to a limit: `totalCapped` says the real number is larger. */
  total: Count,
  totalCapped: Type.Boolean(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
})
export type AuditLogPage = Static<typeof AuditLogPageSchema>
