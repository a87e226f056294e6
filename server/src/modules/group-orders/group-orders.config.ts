import { ConfigError, parseInteger, read, type AppEnv, type Env } from '../../core/config-reading.ts'

/** The account units pay group orders into by 对公转账 (GRP-3); shown with each order's reference. */
export interface TransferAccount {
  accountName: string
  accountNumber: string
  bankName: string
}

/** 团体购买: ID numbers one buyer may have checked per 24 hours, unless GROUP_CHECK_DAILY_IDS says otherwise. */
export const DEFAULT_GROUP_CHECK_DAILY_IDS = 30_000

/** Development default, visibly a sample; production offers 对公转账 only when it is configured. */
export const SAMPLE_TRANSFER_ACCOUNT: TransferAccount = {
  accountName: '重庆市某某继续教育培训中心（示例）',
  accountNumber: '5000 0000 0000 0000 000',
  bankName: '示例银行重庆分行',
}

export function parseTransferAccount(env: Env, appEnv: AppEnv): TransferAccount | null {
  const names = ['TRANSFER_ACCOUNT_NAME', 'TRANSFER_ACCOUNT_NUMBER', 'TRANSFER_BANK_NAME'] as const
  const values = names.map((name) => read(env, name))
  if (values.every((v) => v === undefined)) return appEnv === 'production' ? null : SAMPLE_TRANSFER_ACCOUNT
  const missing = names.find((_, i) => values[i] === undefined)
  if (missing) throw new ConfigError(`${missing} is missing: the transfer account needs its name, number and bank`)
  const [accountName, accountNumber, bankName] = values as [string, string, string]
  if (!/^[0-9 ]{8,40}$/.test(accountNumber)) throw new ConfigError('TRANSFER_ACCOUNT_NUMBER must be digits (spaces allowed)')
  return { accountName, accountNumber, bankName }
}

/** ID numbers one buyer may have checked per 24 hours (group-check.quota.ts). */
export function parseGroupCheckDailyIds(env: Env): number {
  return parseInteger(env, 'GROUP_CHECK_DAILY_IDS', DEFAULT_GROUP_CHECK_DAILY_IDS, 1, 10_000_000)
}

/** The group-orders feature's settings as its module receives them. */
export interface GroupOrdersConfig {
  /** null: 对公转账 is not offered. */
  transferAccount: TransferAccount | null
  /** ID numbers one buyer may have checked per 24 hours. */
  dailyIdQuota: number
}
