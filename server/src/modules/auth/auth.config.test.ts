import { describe, expect, it } from 'vitest'
import { parseSms } from './auth.config.ts'

describe('SMS configuration', () => {
  it('is the development outbox (null) when no provider is named', () => {
    expect(parseSms({})).toBeNull()
  })

  it('names the missing Tencent SMS variable', () => {
    expect(() => parseSms({ SMS_PROVIDER: 'tencent' })).toThrow(/^TENCENT_SMS_SECRET_ID is required/)
  })
})
