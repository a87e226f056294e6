import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Our server URL (服务器配置): the signature WeChat puts on every request, 安全模式 (AES) message
 * encryption, and the flat XML of pushes and passive replies.
 *
 * - signature = sha1 of the sorted [Token, timestamp, nonce] joined; in safe mode msg_signature adds
 *   the Encrypt value to the sort.
 * - AES key = base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC, IV = first 16 bytes of the key;
 *   PKCS#7 padding to a multiple of 32 bytes (so Node's own 16-byte padding check is switched off).
 * - plaintext = 16 random bytes ‖ length (4 bytes, big-endian) ‖ message ‖ AppID.
 *
 * @see docs/wechat-protocol.md §8.4
 */

const BLOCK = 32

export function pushSignature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex')
}

export function signatureMatches(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given))
}

function aesKey(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64')
  if (key.length !== 32) throw new Error('EncodingAESKey must decode to 32 bytes')
  return key
}

export class PushDecryptError extends Error {
  override name = 'PushDecryptError'
}

/** Decrypts an Encrypt value; checks the padding, the length and that the trailing AppID is ours. */
export function decryptPush(encodingAesKey: string, appId: string, encrypted: string): string {
  const key = aesKey(encodingAesKey)
  let plain: Buffer
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16))
    decipher.setAutoPadding(false)
    plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()])
  } catch {
    throw new PushDecryptError('cannot decrypt')
  }
  const pad = plain[plain.length - 1] ?? 0
  if (pad < 1 || pad > BLOCK || plain.length < 20 + pad) throw new PushDecryptError('bad padding')
  const body = plain.subarray(0, plain.length - pad)
  const length = body.readUInt32BE(16)
  if (20 + length > body.length) throw new PushDecryptError('bad length')
  const message = body.subarray(20, 20 + length).toString('utf8')
  if (body.subarray(20 + length).toString('utf8') !== appId) throw new PushDecryptError('not for this AppID')
  return message
}

/** Encrypts a reply the same way (random prefix, length, AppID; padding to 32 bytes). */
export function encryptPush(encodingAesKey: string, appId: string, message: string): string {
  const key = aesKey(encodingAesKey)
  const msg = Buffer.from(message, 'utf8')
  const length = Buffer.alloc(4)
  length.writeUInt32BE(msg.length)
  const body = Buffer.concat([randomBytes(16), length, msg, Buffer.from(appId, 'utf8')])
  const pad = BLOCK - (body.length % BLOCK)
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  cipher.setAutoPadding(false)
  return Buffer.concat([cipher.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64')
}

/** A push's top-level fields, plus every `<List>` item under any wrapper (订阅通知 events). */
export interface PushXml {
  fields: Record<string, string>
  lists: Record<string, string>[]
}

const ELEMENT = /<(\w+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g

/** Reads WeChat's flat push XML (no attributes, no entities beyond CDATA); nothing else is accepted. */
export function parsePushXml(xml: string): PushXml {
  if (xml.length > 64 * 1024 || /<!DOCTYPE|<!ENTITY/i.test(xml)) return { fields: {}, lists: [] }
  const lists = [...xml.matchAll(/<List>([\s\S]*?)<\/List>/g)].map((m) => leafValues(m[1] ?? ''))
  const outside = xml.replace(/<List>[\s\S]*?<\/List>/g, '')
  return { fields: leafValues(outside), lists }
}

function leafValues(xml: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of xml.matchAll(ELEMENT)) {
    const name = m[1] as string
    if (name === 'xml') continue
    out[name] = m[2] ?? decodeEntities(m[3] ?? '')
  }
  return out
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
}

const cdata = (value: string) => `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`

/** A passive text reply to the learner who wrote. */
export function textReplyXml(toUser: string, fromAccount: string, content: string, nowSeconds: number): string {
  return `<xml><ToUserName>${cdata(toUser)}</ToUserName><FromUserName>${cdata(fromAccount)}</FromUserName><CreateTime>${nowSeconds}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content></xml>`
}

/** The safe-mode envelope of an encrypted reply. */
export function encryptedReplyXml(token: string, encrypted: string, timestamp: string, nonce: string): string {
  const signature = pushSignature(token, timestamp, nonce, encrypted)
  return `<xml><Encrypt>${cdata(encrypted)}</Encrypt><MsgSignature>${cdata(signature)}</MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`
}
