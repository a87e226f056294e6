import type { DevSmsOutbox } from '@app/shared/auth'
import { idNumberCheckChar } from '@app/shared/id-number'
import type { APIRequestContext } from 'playwright-core'

export interface TestIdentity {
  realName: string
  /** Canonical form (upper-case X). */
  idNumber: string
  phone: string
}

const random = (digits: number) => String(Math.floor(Math.random() * 10 ** digits)).padStart(digits, '0')

/**
 * A fresh learner for one journey: a Chongqing ID number with a valid check character (one ending
 * in X when asked, to exercise the lower-case x fix) and an unused-looking mobile number.
 */
export function newIdentity(realName: string, { endsWithX = false } = {}): TestIdentity {
  for (;;) {
    const first17 = `500101${1980 + Math.floor(Math.random() * 20)}0${1 + Math.floor(Math.random() * 9)}1${random(1)}${random(3)}`
    const check = idNumberCheckChar(first17)
    if (endsWithX !== (check === 'X')) continue
    return { realName, idNumber: `${first17}${check}`, phone: `139${random(8)}` }
  }
}

/** The newest code the development outbox holds for this phone and purpose. */
export async function readSmsCode(
  request: APIRequestContext,
  origin: string,
  phone: string,
  purpose: 'register' | 'reset_password',
): Promise<string> {
  const response = await request.get(`${origin}/api/dev/sms-outbox?phone=${phone}`)
  if (response.status() !== 200) throw new Error(`sms outbox answered ${response.status()}`)
  const { messages } = (await response.json()) as DevSmsOutbox
  const message = messages.find((m) => m.purpose === purpose)
  if (!message) throw new Error(`no ${purpose} code for ${phone}`)
  return message.code
}
