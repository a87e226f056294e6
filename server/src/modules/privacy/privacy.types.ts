import type { AppDb } from '../../db/client.ts'

/** What the privacy module needs: the database, the clock, the cookie policy and the key that signs export links. */
export interface PrivacyDeps {
  db: AppDb
  now: () => Date
  /** Signs 「下载」 links of 我的个人信息 (derived apart from every other key: privacy.module.ts). */
  linkKey: string
  secureCookies: boolean
}
