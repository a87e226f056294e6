import { idNumberCheckChar } from '@app/shared/id-number'
import { describe, expect, it } from 'vitest'
import { accountMessage, confirmMessage, idNumberMessage, normaliseAccount, passwordMessage, phoneMessage, realNameMessage, smsCodeMessage } from './account-rules.ts'

const first17 = '50010119900101123'
const validId = `${first17}${idNumberCheckChar(first17)}`

describe('account rules', () => {
  it('accepts good values', () => {
    expect(realNameMessage('张三')).toBe('')
    expect(idNumberMessage(validId)).toBe('')
    expect(phoneMessage('138 0013 8000')).toBe('')
    expect(smsCodeMessage('123456')).toBe('')
    expect(passwordMessage('abc12345')).toBe('')
    expect(confirmMessage('abc12345', 'abc12345')).toBe('')
  })

  it('says exactly what is wrong', () => {
    expect(realNameMessage(' ')).toBe('请输入真实姓名')
    expect(idNumberMessage('5001011990')).toBe('身份证号码应为18位')
    expect(idNumberMessage(`${first17}${idNumberCheckChar(first17) === '0' ? '1' : '0'}`)).toBe('身份证号码校验位（最后一位）不正确，请核对')
    expect(phoneMessage('12345')).toBe('请输入正确的11位手机号码')
    expect(smsCodeMessage('12a')).toBe('请输入6位数字短信验证码')
    expect(passwordMessage('abcdefgh')).toBe('密码须同时包含字母和数字')
    expect(confirmMessage('abc12345', 'abc12346')).toBe('两次输入的密码不一致')
  })

  it('normalises the sign-in account as phone or ID number', () => {
    expect(normaliseAccount(' +86 138-0013-8000 ')).toBe('13800138000')
    expect(normaliseAccount(validId.toLowerCase().replace('x', 'x'))).toBe(validId)
    expect(accountMessage('1380013')).toBe('请输入正确的11位手机号码')
    expect(accountMessage('13800138000')).toBe('')
    expect(accountMessage(validId)).toBe('')
    expect(accountMessage('')).toBe('请输入身份证号或手机号')
  })
})
