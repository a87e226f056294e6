import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, serial, text, uuid } from 'drizzle-orm/pg-core'
import { requiredRef, timestamptz } from './columns.ts'

/** 客服 (operator), 财务 (finance), 管理员 (admin); docs/staff.md says which does what. */
export type StaffRole = 'admin' | 'operator' | 'finance'

/**
 * Staff of the training centre (OPS-5): their own accounts and credentials, never a learner's. A
 * staff token carries `tokenVersion`; disabling the account or changing its password bumps it and
 * ends every token at once.
 */
export const staffUsers = pgTable('staff_users', {
  id: serial().primaryKey(),
  username: text().notNull().unique(),
  passwordHash: text().notNull(),
  role: text().$type<StaffRole>().notNull(),
  tokenVersion: integer().notNull().default(0),
  createdAt: timestamptz().notNull().defaultNow(),
  disabledAt: timestamptz(),
  /** Set for a one-time password an admin handed out: the console asks for a new one first. */
  mustChangePassword: boolean().notNull().default(false),
  /** The authenticator's secret (Base32), sealed (crypto/personal-data.ts, kind staff_totp); null until set up. */
  totpSecretSealed: text(),
  /** A secret shown as a QR code at first sign-in, kept until the first code from it is typed. */
  totpPendingSealed: text(),
  /** The last TOTP step accepted: a code of that step or an earlier one is refused (no replay). */
  totpLastStep: bigint({ mode: 'number' }),
  lastSignInAt: timestamptz(),
})

/**
 * A signed-in console (docs/staff.md). The bearer token is random and stored only as its SHA-256.
 * Each request slides `lastActiveAt`; after 15 idle minutes the session is locked (401
 * STAFF_SESSION_LOCKED until password and code are typed again), and it ends at `expiresAt`
 * whatever happens.
 */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: uuid().primaryKey(),
    tokenHash: text().notNull().unique(),
    staffId: requiredRef(() => staffUsers.id),
    createdAt: timestamptz().notNull(),
    lastActiveAt: timestamptz().notNull(),
    expiresAt: timestamptz().notNull(),
    endedAt: timestamptz(),
    /** 'signed_out', 'disabled', 'password_reset', 'totp_reset', 'password_changed'. */
    endedReason: text(),
  },
  (t) => [index().on(t.staffId)],
)

/** Every staff action, written in the transaction of the change it records (OPS-5). Append-only. */
export const staffAuditLog = pgTable(
  'staff_audit_log',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    staffId: requiredRef(() => staffUsers.id),
    /** Dotted verb, e.g. `staff.sign_in`, `group_order.confirm_transfer`, `accounts.bulk_register`. */
    action: text().notNull(),
    /** What was acted on, e.g. `order:GRP2026…`; never personal data in clear. */
    target: text().notNull(),
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz().notNull().defaultNow(),
  },
  // 审计日志 pages newest first, filtered by staff, action or target: each filter has its index.
  (t) => [index().on(t.staffId, t.createdAt), index().on(t.target), index().on(t.action, t.createdAt), index().on(t.createdAt)],
)
