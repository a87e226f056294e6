import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type * as Vue from 'vue'
import { ApiError } from '@/api/http.ts'

const sendSmsCode = vi.fn()
vi.mock('@/api/auth.ts', () => ({ sendSmsCode: (...args: unknown[]) => sendSmsCode(...args) }))
vi.mock('vue', async (original) => ({ ...(await original<typeof Vue>()), onBeforeUnmount: () => {} }))

const { useSmsCode } = await import('./useSmsCode.ts')

beforeEach(() => vi.useFakeTimers())
afterEach(() => {
  vi.useRealTimers()
  sendSmsCode.mockReset()
})

describe('useSmsCode', () => {
  it('counts down the resend interval the server gives', async () => {
    sendSmsCode.mockResolvedValueOnce({ resendAfterSeconds: 60, expiresInSeconds: 300 })
    const sms = useSmsCode('register')
    await sms.send('13800000000')
    expect(sms.label.value).toBe('60秒后重新获取')
    vi.advanceTimersByTime(59_000)
    expect(sms.label.value).toBe('1秒后重新获取')
    vi.advanceTimersByTime(1_000)
    expect(sms.label.value).toBe('获取验证码')
  })

  it('takes the wait of a refused send from the error field, whatever the message says', async () => {
    sendSmsCode.mockRejectedValueOnce(
      new ApiError({ status: 429, code: 'SMS_TOO_FREQUENT', message: '验证码发送过于频繁，请稍后再试', retryAfterSeconds: 42 }),
    )
    const sms = useSmsCode('reset_password')
    await expect(sms.send('13800000000')).rejects.toMatchObject({ code: 'SMS_TOO_FREQUENT' })
    expect(sms.countdown.value).toBe(42)
  })
})
