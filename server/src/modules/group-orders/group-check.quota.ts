import { withRetryAfter } from '../../core/errors.ts'
import { countAttempt } from '../auth/throttle.repository.ts'
import { throttleKey } from '../auth/throttle.rules.ts'
import { GroupChecksThrottledError } from './group-orders.errors.ts'
import type { GroupOrderDeps } from './group-orders.types.ts'

const DAY_MS = 24 * 3600_000
/** Several buyers behind one unit's network address are normal; many more than that are not. */
const BUYERS_PER_ADDRESS = 3

/**
 * Spends a list's ID numbers from the daily quota, before any is looked up. Every line of a 团体购买
 * list is answered (未注册, 已购买, in another order), so the check tells whoever pastes an ID number
 * whether that person has an account here and bought this year's plan. A unit checks its staff a
 * few times a day; a script pasting 5,000 guessed numbers a second would learn who is registered.
 * Counted atomically in PostgreSQL (shared by every instance), per buyer and per client address, so
 * neither parallel requests nor a second account get past it. Lines that are not ID numbers reveal
 * nothing and are not counted.
 */
export async function spendCheckQuota(deps: Pick<GroupOrderDeps, 'db' | 'dailyIdQuota'>, who: { buyerUserId: number; clientAddress: string }, idCount: number, now: Date): Promise<void> {
  if (idCount === 0) return
  const perBuyer = { limit: deps.dailyIdQuota, windowMs: DAY_MS }
  const buyer = await countAttempt(deps.db, throttleKey('group-buyer', String(who.buyerUserId)), perBuyer, now, idCount)
  const perAddress = { limit: deps.dailyIdQuota * BUYERS_PER_ADDRESS, windowMs: DAY_MS }
  const attempt = buyer.allowed ? await countAttempt(deps.db, throttleKey('group-address', who.clientAddress), perAddress, now, idCount) : buyer
  if (!attempt.allowed) {
    const hours = Math.max(1, Math.ceil(attempt.retryAfterSeconds / 3600))
    throw withRetryAfter(new GroupChecksThrottledError(String(deps.dailyIdQuota), String(hours)), attempt.retryAfterSeconds)
  }
}
