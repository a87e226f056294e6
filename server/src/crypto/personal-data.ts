import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'

/**
 * Personal data at rest (docs/security.md, "Personal data at rest"): ID numbers, phone numbers and
 * the lines of 团体购买 error files are stored sealed with AES-256-GCM, each value naming the key
 * it was sealed with, and looked up through a keyed blind index (HMAC-SHA256 of the normalised
 * value). The keys come from configuration (DATA_KEYS, DATA_KEY_CURRENT, BLIND_INDEX_KEY) and are
 * installed once at start-up; they are never written to the database.
 *
 * Sealed format (text): `v1:<kid>:<iv>:<ciphertext>:<tag>`, the last three base64url. The field
 * kind is the additional authenticated data, so a phone's ciphertext copied into an ID-number
 * column does not open there.
 */

export type SealedKind = 'id_number' | 'phone' | 'group_failures' | 'staff_totp'
export type IndexKind = 'id_number' | 'phone' | 'throttle'

export interface PersonalDataKeyring {
  /** Key id new values are sealed with. */
  current: string
  /** Every key that may still be needed to open a value (the current one and those being rotated out). */
  keys: ReadonlyMap<string, Buffer>
  /** HMAC key of the blind indexes; unrelated to the data keys and rotated never (see docs/security.md). */
  blindIndexKey: Buffer
  /** True for the built-in development keys (never accepted in production). */
  sample: boolean
}

export const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/
const VERSION = 'v1'
const IV_BYTES = 12

let installed: PersonalDataKeyring | null = null

/** Installs the keyring every seal, open and index uses (buildApp and the operator commands call it). */
export function usePersonalDataKeys(keyring: PersonalDataKeyring): void {
  if (!keyring.keys.has(keyring.current)) throw new Error(`personal-data key "${keyring.current}" is not in the keyring`)
  installed = keyring
}

export function personalDataKeys(): PersonalDataKeyring {
  if (!installed) throw new Error('personal-data keys are not installed (usePersonalDataKeys)')
  return installed
}

/** Seals a value with the current key. */
export function seal(kind: SealedKind, plain: string): string {
  const { current, keys } = personalDataKeys()
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', keys.get(current) as Buffer, iv)
  cipher.setAAD(Buffer.from(kind))
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return [VERSION, current, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(':')
}

/** Opens a sealed value with whichever configured key it names; throws on a missing key or any tampering. */
export function open(kind: SealedKind, sealed: string): string {
  const parts = sealed.split(':')
  if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('not a sealed personal-data value')
  const [, kid, iv, body, tag] = parts as [string, string, string, string, string]
  const key = personalDataKeys().keys.get(kid)
  if (!key) throw new Error(`personal-data key "${kid}" is not configured (DATA_KEYS)`)
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
  decipher.setAAD(Buffer.from(kind))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
}

/** The key id a sealed value names. */
export function sealedKeyId(sealed: string): string | undefined {
  return sealed.split(':')[1]
}

/** The prefix of values sealed with the current key (the rotation looks for values without it). */
export function currentSealPrefix(): string {
  return `${VERSION}:${personalDataKeys().current}:`
}

/** Canonical form before indexing: ID numbers trimmed with upper-case X, phones digits only. */
function normalise(kind: IndexKind, value: string): string {
  if (kind === 'id_number') return value.trim().toUpperCase()
  if (kind === 'phone') return value.replace(/\D/g, '')
  return value
}

/**
 * Keyed blind index: equal values give equal indexes, and without BLIND_INDEX_KEY an index says
 * nothing about its value (a phone's 10^10 possibilities cannot be tried against it offline).
 */
export function blindIndex(kind: IndexKind, value: string): string {
  return createHmac('sha256', personalDataKeys().blindIndexKey).update(`${kind}\u0000${normalise(kind, value)}`).digest('base64url')
}

/** A stored personal value: the sealed column when present, else the plain one of a row not yet migrated. */
export function openStored(kind: SealedKind, sealed: string | null, legacyPlain: string | null): string {
  if (sealed !== null) return open(kind, sealed)
  if (legacyPlain !== null) return legacyPlain
  throw new Error(`row holds no ${kind}`)
}
