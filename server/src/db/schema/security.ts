import { index, integer, pgTable, serial, text } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.ts'

/**
 * SMS verification codes, stored as keyed hashes; single-use, 5-minute expiry, limited attempts.
 * The phone is kept only as its blind index: a code is always looked up by the phone typed.
 */
export const smsCodes = pgTable(
  'sms_codes',
  {
    id: serial().primaryKey(),
    /** Plain phone of a row written before encryption at rest; null once indexed by `rotate-data-key`. */
    legacyPhone: text('phone'),
    phoneIndex: text(),
    purpose: text().notNull(),
    codeHash: text().notNull(),
    /** Hash of the requesting client address, for per-address limits without storing the address. */
    clientKey: text().notNull(),
    createdAt: timestamptz().notNull().defaultNow(),
    expiresAt: timestamptz().notNull(),
    consumedAt: timestamptz(),
    failedAttempts: integer().notNull().default(0),
  },
  (t) => [index().on(t.legacyPhone, t.purpose, t.createdAt), index().on(t.phoneIndex, t.purpose, t.createdAt), index().on(t.clientKey, t.createdAt)],
)

/**
 * Development outbox: what would have been sent by SMS when no provider is configured (never in
 * production). The phone is kept as its blind index like everywhere else, so no table holds it plain.
 */
export const devSmsOutbox = pgTable(
  'dev_sms_outbox',
  {
    id: serial().primaryKey(),
    /** Plain phone of a row written before encryption at rest; null once indexed. */
    legacyPhone: text('phone'),
    phoneIndex: text(),
    purpose: text().notNull(),
    code: text().notNull(),
    createdAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [index().on(t.legacyPhone), index().on(t.phoneIndex)],
)

/**
 * Attempt counters (sign-in per account and per address, 注册/忘记密码 per address), in the database
 * so every instance shares them (see modules/auth/throttle.repository.ts). `failures` counts attempts made in
 * the window, counted before they are checked; a success gives its attempt back.
 */
export const authThrottles = pgTable('auth_throttles', {
  key: text().primaryKey(),
  failures: integer().notNull().default(0),
  windowStartedAt: timestamptz().notNull(),
})

/**
 * OAuth codes already exchanged (hash → openid) for 5 minutes, so a reloaded or doubled callback
 * gets the same result instead of WeChat's 40163 "code been used".
 */
export const wechatOauthCodes = pgTable('wechat_oauth_codes', {
  codeHash: text().primaryKey(),
  openid: text().notNull(),
  isSnapshotUser: integer().notNull().default(0),
  createdAt: timestamptz().notNull().defaultNow(),
})
