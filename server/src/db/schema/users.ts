import { boolean, index, integer, pgTable, serial, text, uuid } from 'drizzle-orm/pg-core'
import { requiredRef, timestamptz } from './columns.ts'

/**
 * A learner account. ID number and phone are unique: one account per person (ACC-1). Both are
 * stored sealed (AES-256-GCM, crypto/personal-data.ts) and found and kept unique through their keyed
 * blind indexes; users.repository.ts seals on write and opens on read (docs/security.md).
 */
export const users = pgTable('users', {
  id: serial().primaryKey(),
  realName: text().notNull(),
  /**
   * Plain ID number of a row written before encryption at rest: null once `rotate-data-key` sealed
   * it, never written any more; dropped by the release after the rollout (docs/deployment.md).
   */
  legacyIdNumber: text('id_number').unique('users_idNumber_unique'),
  /** Plain phone of a row not yet sealed, as legacyIdNumber. */
  legacyPhone: text('phone').unique(),
  /** ID number (canonical: 18 characters, upper-case X), sealed. */
  idNumberSealed: text(),
  /** HMAC of the canonical ID number: sign-in, 团体购买 and bulk registration look it up; unique. */
  idNumberIndex: text().unique('users_id_number_index_unique'),
  phoneSealed: text(),
  phoneIndex: text().unique('users_phone_index_unique'),
  /** scrypt$N$r$p$salt$hash (see auth/passwords.service.ts). */
  passwordHash: text().notNull(),
  /** Bumped on password reset: access tokens carrying an older version stop working at once. */
  sessionVersion: integer().notNull().default(1),
  /** Set for accounts staff created with a one-time initial password (ACC-5): the H5 asks for a new one first. */
  mustChangePassword: boolean().notNull().default(false),
  /** Set when staff disabled the account (docs/staff.md): sign-in is refused and its sessions ended. */
  disabledAt: timestamptz(),
  createdAt: timestamptz().notNull().defaultNow(),
  updatedAt: timestamptz().notNull().defaultNow(),
},
  // Staff find learners by exact name (管理后台 学员); ID number and phone go through their unique blind indexes.
  // created_at: the console's 统计 counts registrations of a day and a year.
  (t) => [index('users_real_name_idx').on(t.realName), index('users_created_at_idx').on(t.createdAt)],
)

/** One openid ↔ one account (ACC-4): both sides unique. */
export const wechatBindings = pgTable('wechat_bindings', {
  id: serial().primaryKey(),
  appId: text().notNull(),
  openid: text().notNull().unique(),
  userId: integer()
    .notNull()
    .unique()
    .references(() => users.id),
  createdAt: timestamptz().notNull().defaultNow(),
})

/** A signed-in device. Its refresh tokens rotate; revoking the session ends them all. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid().primaryKey(),
    userId: requiredRef(() => users.id),
    createdAt: timestamptz().notNull().defaultNow(),
    lastRefreshedAt: timestamptz().notNull().defaultNow(),
    expiresAt: timestamptz().notNull(),
    revokedAt: timestamptz(),
    /**
     * Why it was revoked (modules/auth/sessions.service.ts SessionEndReason): the 401 its tokens get
     * afterwards says so, and the H5's 登录 page shows it.
     */
    revokedReason: text(),
    /** How the device signed in: 'password' (登录, 注册) or 'wechat' (WeChat OAuth of a bound account); 解除绑定 ends the latter. */
    signedInWith: text().notNull().default('password'),
  },
  (t) => [index().on(t.userId)],
)

/**
 * Refresh tokens, stored as SHA-256 hashes only. A session's tokens form its family: a rotated token
 * presented again (after a short grace) revokes the session (modules/auth/sessions.service.ts).
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: text().primaryKey(),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id),
    createdAt: timestamptz().notNull().defaultNow(),
    /** When it was exchanged (or, without replacedByHash, when it died because a sibling won). */
    usedAt: timestamptz(),
    /** Its first successor: set only for a token that was genuinely rotated. */
    replacedByHash: text(),
    /** The token it was issued in exchange for (null for a session's first token). */
    parentHash: text(),
  },
  (t) => [index().on(t.sessionId), index().on(t.parentHash)],
)

/**
 * 隐私政策 consents (PIPL art. 14, 29): one row per consent given — 'policy' (the policy of that
 * version) and 'sensitive_id' (the separate consent for the ID number). An account without both for
 * the current PRIVACY_POLICY_VERSION is asked again (403 CONSENT_REQUIRED). Rows are only added.
 */
export const consents = pgTable(
  'consents',
  {
    id: serial().primaryKey(),
    userId: requiredRef(() => users.id),
    policyVersion: text().notNull(),
    kind: text().$type<'policy' | 'sensitive_id'>().notNull(),
    grantedAt: timestamptz().notNull(),
    /** Where it was given: 'register' (注册) or 'consent-page' (asked again after sign-in). */
    client: text().notNull(),
  },
  (t) => [index().on(t.userId, t.policyVersion)],
)
