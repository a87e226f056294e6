import type { TransferAccount } from './group-orders.config.ts'
import type { AppDb } from '../../db/client.ts'
import type { PaymentDeps } from '../payments/payments.public.ts'

export interface GroupOrderDeps {
  db: AppDb
  /** HMAC key for the signed file links (derived from the server secret). */
  fileKey: string
  /** null: 对公转账 is not offered. */
  transferAccount: TransferAccount | null
  /** ID numbers one buyer may have checked in 24 hours (one client address: three times as many). */
  dailyIdQuota: number
  now: () => Date
  /** WeChat Pay, for re-pricing a pending order (its trade is closed when the amount changes) and seat refunds. */
  payments: PaymentDeps
}
