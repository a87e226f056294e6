import { boolean, index, integer, pgTable, serial, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/** A learner account. ID number and phone are unique: one account per person (ACC-1). */
export const users = pgTable('users', {
  id: serial().primaryKey(),
  realName: text().notNull(),
  /** Canonical form: 18 characters, upper-case X. */
  idNumber: text().notNull().unique(),
  phone: text().notNull().unique(),
  /** scrypt$N$r$p$salt$hash (see auth/password-hash.ts). */
  passwordHash: text().notNull(),
  /** Bumped on password reset: access tokens carrying an older version stop working at once. */
  sessionVersion: integer().notNull().default(1),
  /** Set for accounts staff created with a one-time initial password (ACC-5): the H5 asks for a new one first. */
  mustChangePassword: boolean().notNull().default(false),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/** One openid ↔ one account (ACC-4): both sides unique. */
export const wechatBindings = pgTable('wechat_bindings', {
  id: serial().primaryKey(),
  appId: text().notNull(),
  openid: text().notNull().unique(),
  userId: integer()
    .notNull()
    .unique()
    .references(() => users.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/** A signed-in device. Its refresh tokens rotate; revoking the session ends them all. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastRefreshedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.userId)],
)

/** Refresh tokens are stored as SHA-256 hashes only; a used token presented again revokes its session. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: text().primaryKey(),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp({ withTimezone: true }),
    /** The token this one was exchanged for: tells a lost answer apart from a stolen token. */
    replacedByHash: text(),
  },
  (t) => [index().on(t.sessionId)],
)
