import type { TransferAccount } from '../../config.ts'
import type { AppDb } from '../../db/client.ts'

export interface GroupOrderDeps {
  db: AppDb
  /** HMAC key for the signed file links (derived from the server secret). */
  fileKey: string
  /** null: 对公转账 is not offered. */
  transferAccount: TransferAccount | null
  now: () => Date
}
