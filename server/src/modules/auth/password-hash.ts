import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * Slow salted password hashes with node's scrypt (N=2^15, r=8, p=1: ~32 MiB and tens of ms per
 * hash), encoded with their parameters so they can be raised later without breaking old hashes.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 }
const KEY_LENGTH = 32

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...opts, maxmem: 128 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

/**
 * For a machine-made random secret (bulk registration's initial passwords, ~57 bits): guessing is
 * hopeless whatever the cost, so a cheaper setting (N=2^12, 4 MiB) lets a 1,000-row sheet finish
 * in seconds; the learner's own password, set at first sign-in, gets the full cost.
 */
export const RANDOM_SECRET_PARAMS = { N: 2 ** 12, r: 8, p: 1 }

export async function hashPassword(password: string, params: { N: number; r: number; p: number } = PARAMS): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, params)
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

// A real hash of a random password, verified against when the account does not exist, so that an
// unknown account takes as long to refuse as a wrong password (no enumeration by timing).
let decoy: Promise<string> | undefined
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'))
  return decoy
}
