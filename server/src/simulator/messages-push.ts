// Pushes to the developer's server URL, as WeChat makes them (docs/wechat-protocol.md §8.5, §8.6):
// signature = sha1 of the sorted Token, timestamp and nonce; in safe mode the XML is encrypted
// (AES-256-CBC, IV = key[0..16], PKCS#7 to 32 bytes, random ‖ length ‖ message ‖ AppID) and
// msg_signature adds the Encrypt value. Three tries in all when the answer is not a 200 within 5 s.
// Its own crypto, written apart from the product's server-push.ts.
import { createCipheriv, createHash, randomBytes } from 'node:crypto'

export interface ServerUrl {
  /** e.g. http://127.0.0.1:3000/api/notices/wechat-server; read at push time. */
  url: string
  token: string
  /** 43 characters: safe mode; absent: plain mode. */
  encodingAesKey?: string | null
}

const sha1Sorted = (...parts: string[]) => createHash('sha1').update(parts.slice().sort().join('')).digest('hex')

function sealForPush(encodingAesKey: string, appId: string, xml: string): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64')
  const body = Buffer.from(xml, 'utf8')
  const header = Buffer.alloc(20)
  randomBytes(16).copy(header)
  header.writeUInt32BE(body.length, 16)
  const plain = Buffer.concat([header, body, Buffer.from(appId)])
  const padLength = 32 - (plain.length % 32)
  const aes = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  aes.setAutoPadding(false)
  return Buffer.concat([aes.update(Buffer.concat([plain, Buffer.alloc(padLength, padLength)])), aes.final()]).toString('base64')
}

/** Sends one push; answers the body of the answer that ended the tries (null when none came). */
export async function pushToServer(target: ServerUrl, appId: string, xml: string, nowMs: number): Promise<string | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const timestamp = String(Math.floor(nowMs / 1000))
    const nonce = randomBytes(5).toString('hex')
    const query = new URLSearchParams({ signature: sha1Sorted(target.token, timestamp, nonce), timestamp, nonce })
    let body = xml
    if (target.encodingAesKey) {
      const encrypted = sealForPush(target.encodingAesKey, appId, xml)
      query.set('encrypt_type', 'aes')
      query.set('msg_signature', sha1Sorted(target.token, timestamp, nonce, encrypted))
      body = `<xml><ToUserName><![CDATA[gh_simulator]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`
    }
    try {
      const res = await fetch(`${target.url}?${query.toString()}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body, signal: AbortSignal.timeout(5000) })
      const text = await res.text()
      if (res.status === 200) return text
    } catch {
      // timeout or refused: WeChat tries again
    }
  }
  return null
}

const cdata = (v: string) => `<![CDATA[${v}]]>`

export function popupEventXml(openid: string, templateId: string, status: 'accept' | 'reject', nowMs: number, event = 'subscribe_msg_popup_event'): string {
  const wrapper = event === 'subscribe_msg_popup_event' ? 'SubscribeMsgPopupEvent' : 'SubscribeMsgChangeEvent'
  const scene = event === 'subscribe_msg_popup_event' ? '<PopupScene>1</PopupScene>' : ''
  return `<xml><ToUserName>${cdata('gh_simulator')}</ToUserName><FromUserName>${cdata(openid)}</FromUserName><CreateTime>${Math.floor(nowMs / 1000)}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata(event)}</Event><${wrapper}><List><TemplateId>${cdata(templateId)}</TemplateId><SubscribeStatusString>${cdata(status)}</SubscribeStatusString>${scene}</List></${wrapper}></xml>`
}

export function textMessageXml(openid: string, content: string, msgId: string, nowMs: number): string {
  return `<xml><ToUserName>${cdata('gh_simulator')}</ToUserName><FromUserName>${cdata(openid)}</FromUserName><CreateTime>${Math.floor(nowMs / 1000)}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content><MsgId>${msgId}</MsgId></xml>`
}
