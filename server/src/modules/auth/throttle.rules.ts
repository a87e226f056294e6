import { blindIndex } from '../../crypto/personal-data.ts'

/**
 * The attempt limits of sign-in, 注册 and 忘记密码 (counted by throttle.repository.ts) and their
 * keys. Keys are hashes: no ID number, phone or address is stored in clear.
 */
export interface AttemptRule {
  /** Attempts allowed within one window. */
  limit: number
  windowMs: number
}

/** Password sign-ins per account (whatever identifier was typed: the key is the account). */
export const SIGN_IN_PER_ACCOUNT: AttemptRule = { limit: 5, windowMs: 15 * 60_000 }
/** Password sign-ins per client address, across accounts. Successes give their attempt back. */
export const SIGN_IN_PER_ADDRESS: AttemptRule = { limit: 30, windowMs: 15 * 60_000 }
/** 注册 and 忘记密码 submissions per client address (each checks an SMS code). */
export const CODE_CHECKS_PER_ADDRESS: AttemptRule = { limit: 30, windowMs: 60 * 60_000 }

export type ThrottleKind = 'account' | 'user' | 'address' | 'register-address' | 'reset-address' | 'group-buyer' | 'group-address'

/**
 * Keyed (the blind-index key): a plain SHA-256 of a phone or an address could be reversed from a
 * dump by trying every value, a keyed one cannot without BLIND_INDEX_KEY.
 */
export function throttleKey(kind: ThrottleKind, value: string): string {
  return `${kind}:${blindIndex('throttle', value).slice(0, 32)}`
}
