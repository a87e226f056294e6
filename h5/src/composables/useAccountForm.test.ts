import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { fieldRule, useAccountForm } from './useAccountForm.ts'

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

  it('turns a message check into a vant rule: the message when wrong, true when fine', () => {
    const [rule] = fieldRule((value) => (value === '' ? '请输入手机号' : ''))
    const validate = rule?.validator as (value: string) => string | true
    expect(validate('')).toBe('请输入手机号')
    expect(validate('13800000000')).toBe(true)
  })
})
