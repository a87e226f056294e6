import { idNumberCheckChar } from '@app/shared/id-number'
import { describe, expect, it } from 'vitest'
import { accountMessage, confirmMessage, idNumberMessage, normaliseAccount, passwordMessage, phoneMessage, realNameMessage, smsCodeMessage } from './account-rules.ts'

const first17 = '50010119900101123'
const validId = `${first17}${idNumberCheckChar(first17)}`

describe('account rules', () => {
  const confirmAbc = (value: string) => confirmMessage('abc12345', value)
  const wrongCheckChar = `${first17}${idNumberCheckChar(first17) === '0' ? '1' : '0'}`

  it.each([
    ['真实姓名', realNameMessage, '张三'],
    ['minority name with its middle dot', realNameMessage, '阿卜杜拉·买买提'],
    ['身份证号', idNumberMessage, validId],
    ['手机号', phoneMessage, '138 0013 8000'],
    ['短信验证码', smsCodeMessage, '123456'],
    ['密码', passwordMessage, 'abc12345'],
    ['确认密码', confirmAbc, 'abc12345'],
  ])('accepts a good %s', (_field, message, value) => {
    expect(message(value)).toBe('')
  })

  it.each([
    [realNameMessage, ' ', '请输入真实姓名'],
    [realNameMessage, '张', '请输入与身份证一致的真实姓名（2–30个字）'],
    [realNameMessage, '张三3', '请输入与身份证一致的真实姓名（2–30个字）'],
    [realNameMessage, '张三（先生）', '请输入与身份证一致的真实姓名（2–30个字）'],
    [idNumberMessage, '5001011990', '身份证号码应为18位'],
    [idNumberMessage, wrongCheckChar, '身份证号码校验位（最后一位）不正确，请核对'],
    [phoneMessage, '12345', '请输入正确的11位手机号码'],
    [smsCodeMessage, '12a', '请输入6位数字短信验证码'],
    [passwordMessage, 'abcdefgh', '密码须同时包含字母和数字'],
    [confirmAbc, 'abc12346', '两次输入的密码不一致'],
  ])('says exactly what is wrong: %#', (message, value, expected) => {
    expect(message(value)).toBe(expected)
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
