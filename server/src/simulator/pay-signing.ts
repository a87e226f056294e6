// The simulator's own WeChat Pay crypto (docs/wechat-protocol.md §3.2, §3.3, §3.6, §3.7). It is written
// against node:crypto directly and must never import the product's client-side helpers: if both
// sides shared one implementation, a bug in it would pass every test.
import { createCipheriv, createSign, createVerify, type KeyObject } from 'node:crypto'
import { randomHex } from './util.ts'

export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048'

export interface AuthorizationFields {
  mchid: string
  nonce_str: string
  timestamp: string
  serial_no: string
  signature: string
}

const AUTH_KEYS = ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature'] as const

/**
 * Parses `WECHATPAY2-SHA256-RSA2048 k="v",k="v",…`. SDKs emit the five pairs in different
 * orders, so order is free; anything else malformed (unknown scheme, missing or repeated key,
 * unquoted value) is rejected.
 */
export function parseAuthorization(header: string | undefined): AuthorizationFields | undefined {
  if (!header) return undefined
  const space = header.indexOf(' ')
  if (space < 0 || header.slice(0, space) !== AUTH_SCHEME) return undefined
  const found = new Map<string, string>()
  const pairRe = /([a-z_]+)="([^"]*)"(?:,|$)/gy
  const rest = header.slice(space + 1)
  pairRe.lastIndex = 0
  let consumed = 0
  for (let m = pairRe.exec(rest); m; m = pairRe.exec(rest)) {
    const [, key, value] = m
    if (key === undefined || value === undefined || found.has(key)) return undefined
    found.set(key, value)
    consumed = pairRe.lastIndex
  }
  if (consumed !== rest.length) return undefined
  const out: Partial<AuthorizationFields> = {}
  for (const key of AUTH_KEYS) {
    const value = found.get(key)
    if (!value) return undefined
    out[key] = value
  }
  return out as AuthorizationFields
}

/**
 * The 5-line request signing string: every line, the last included, ends with \n. Built from
 * bytes so the body is covered exactly as it arrived, whatever its encoding.
 */
export function requestMessage(method: string, pathAndQuery: string, timestamp: string, nonce: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n`, 'utf8'), body, Buffer.from('\n')])
}

/** The 3-line string WeChat signs over responses and notifications (empty body → empty line). */
export function responseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`
}

/** The 4-line JSAPI paySign string: appId, timeStamp, nonceStr, package. */
export function paySignMessage(appId: string, timeStamp: string, nonceStr: string, pkg: string): string {
  return `${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`
}

export function rsaSign(privateKey: KeyObject, message: string | Buffer): string {
  return createSign('RSA-SHA256').update(message).sign(privateKey, 'base64')
}

/** SHA256withRSA, PKCS#1 v1.5. Malformed signatures (e.g. a SIGNTEST probe) are just "false". */
export function rsaVerify(publicKey: KeyObject, message: string | Buffer, signatureBase64: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64)) return false
  try {
    return createVerify('RSA-SHA256').update(message).verify(publicKey, signatureBase64, 'base64')
  } catch {
    return false
  }
}

export type SignedHeaders = {
  'Wechatpay-Timestamp': string
  'Wechatpay-Nonce': string
  'Wechatpay-Signature': string
  'Wechatpay-Serial': string
  'Wechatpay-Signature-Type': string
}

export interface SignOptions {
  key: KeyObject
  serial: string
  nowMs: number
  /** seconds to move the timestamp into the past (staleTimestamp fault) */
  skewSeconds?: number
  /** serial to announce instead of the real one (wrongSerial fault) */
  serialOverride?: string
  /** replace the signature with a WECHATPAY/SIGNTEST probe value */
  probe?: boolean
}

export function signedHeaders(body: string, opts: SignOptions): SignedHeaders {
  const timestamp = String(Math.floor(opts.nowMs / 1000) - (opts.skewSeconds ?? 0))
  const nonce = randomHex(16).toUpperCase()
  const signature = opts.probe
    ? `WECHATPAY/SIGNTEST/${randomHex(32)}`
    : rsaSign(opts.key, responseMessage(timestamp, nonce, body))
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signature,
    'Wechatpay-Serial': opts.serialOverride ?? opts.serial,
    'Wechatpay-Signature-Type': AUTH_SCHEME,
  }
}

export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM'
  ciphertext: string
  associated_data: string
  nonce: string
}

/** AEAD_AES_256_GCM as WeChat uses it: UTF-8 key and nonce, ciphertext = base64(ct || 16-byte tag). */
export function encryptResource(apiV3Key: string, associatedData: string, plaintext: string): EncryptedResource {
  const nonce = randomHex(6)
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'))
  cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: ct.toString('base64'), associated_data: associatedData, nonce }
}

/** Request-ID as WeChat writes it; on errors the part after the last '-' is a numeric error code. */
export function requestId(errno?: number): string {
  const base = randomHex(24).toUpperCase()
  return errno === undefined ? base : `${base}-${errno}`
}
