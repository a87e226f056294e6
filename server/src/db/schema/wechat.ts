import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.ts'

/**
 * Cached WeChat credentials (stable access_token, jsapi_ticket), shared by every server instance.
 * Refreshing takes a row lock so only one instance asks WeChat at a time and nobody invalidates
 * another instance's token (docs/wechat-protocol.md §2.1, §5.14).
 */
export const wechatCredentials = pgTable(
  'wechat_credentials',
  {
    appId: text().notNull(),
    kind: text().$type<'access_token' | 'jsapi_ticket'>().notNull(),
    value: text().notNull(),
    expiresAt: timestamptz().notNull(),
    updatedAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.kind] })],
)
