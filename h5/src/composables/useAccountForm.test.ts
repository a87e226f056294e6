import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { ApiError } from '@/api/http.ts'
import { fieldRule, SMS_FIELD_BY_CODE, useAccountForm } from './useAccountForm.ts'

describe('useAccountForm', () => {
  it('keeps a server message under its field until that field is edited', async () => {
    const { form, serverErrors } = useAccountForm(['phone', 'smsCode'] as const)
    serverErrors.phone = '该手机号已注册'
    serverErrors.smsCode = '验证码错误或已过期'
    form.smsCode = '123456'
    await nextTick()
    expect(serverErrors.smsCode).toBe('')
    expect(serverErrors.phone).toBe('该手机号已注册')
  })

  it('shows a server error under the field its code belongs to, and says when it belongs to none', () => {
    const { serverErrors, showUnderField } = useAccountForm(['phone', 'smsCode'] as const, SMS_FIELD_BY_CODE)
    expect(showUnderField(new ApiError({ status: 429, code: 'SMS_TOO_FREQUENT', message: '获取验证码过于频繁' }))).toBe(true)
    expect(serverErrors.smsCode).toBe('获取验证码过于频繁')
    expect(showUnderField(new ApiError({ status: 500, code: 'INTERNAL', message: '服务器开小差了，请稍后重试' }))).toBe(false)
    expect(serverErrors.phone).toBe('')
  })

  it('turns a message check into a vant rule: the message when wrong, true when fine', () => {
    const [rule] = fieldRule((value) => (value === '' ? '请输入手机号' : ''))
    const validate = rule?.validator as (value: string) => string | true
    expect(validate('')).toBe('请输入手机号')
    expect(validate('13800000000')).toBe(true)
  })
})
