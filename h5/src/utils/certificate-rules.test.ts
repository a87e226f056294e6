import {
  CERTIFICATE_NUMBER_ALPHABET as SHARED_ALPHABET,
  certificateCheckChar,
  type CertificateVerification,
} from '@app/shared/certificates'
import { idNumberCheckChar, maskIdNumber } from '@app/shared/id-number'
import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/api-error.ts'
import {
  certificateNumberProblem,
  checkIdConfirmation,
  confirmationProblem,
  fitsMaskedIdNumber,
  certificateRows,
  formatIssuedOn,
  organisationChoice,
  organisationLabel,
  planState,
  remainingHoursText,
  signedLinkExpiry,
  signedLinkStale,
  sortPlans,
  verificationOutcome,
  verifyPath,
} from './certificate-rules.ts'

const ID_FIRST17 = '50010319850612123'
const ID = `${ID_FIRST17}${idNumberCheckChar(ID_FIRST17)}`
const MASKED = maskIdNumber(ID)
const TODAY = new Date('2025-06-01T00:00:00Z')
/** The first sequence number whose check character is X (the lower-case x case). */
const ID_ENDING_IN_X = (() => {
  for (let seq = 100; ; seq++) {
    const first17 = `50010319850612${seq}`
    if (idNumberCheckChar(first17) === 'X') return `${first17}X`
  }
})()

function sampleNumber(seed: number): string {
  let body = 'CQ2025'
  for (let i = 0; i < 12; i++) body += SHARED_ALPHABET[(seed * 7 + i * 13) % SHARED_ALPHABET.length]
  return `${body}${certificateCheckChar(body)}`
}

describe('我的证书 plan states', () => {
  it('tells issued, needing 完善个人信息 and still studying apart', () => {
    expect(planState({ completed: true, certificateId: 7 })).toBe('issued')
    expect(planState({ completed: true, certificateId: null })).toBe('needs-profile')
    expect(planState({ completed: false, certificateId: null })).toBe('incomplete')
  })

  it('says how many 学时 are missing, fractions kept to one decimal', () => {
    expect(remainingHoursText(30)).toBe('还差 30 学时')
    expect(remainingHoursText(2.5)).toBe('还差 2.5 学时')
    expect(remainingHoursText(-1)).toBe('还差 0 学时')
  })

  it('lists completed plans first, newest year first', () => {
    const plans = [
      { projectId: 1, completed: false, year: 2025 },
      { projectId: 2, completed: true, year: 2024 },
      { projectId: 3, completed: true, year: 2025 },
    ]
    expect(sortPlans(plans).map((p) => p.projectId)).toEqual([3, 2, 1])
    expect(plans.map((p) => p.projectId)).toEqual([1, 2, 3])
  })

  it('writes the issue date the Chinese way', () => {
    expect(formatIssuedOn('2025-06-01')).toBe('2025年6月1日')
    expect(formatIssuedOn('2025-12-31')).toBe('2025年12月31日')
    expect(formatIssuedOn('soon')).toBe('soon')
  })

  it('lists the certificate data in the printed order, naming a district as 档案所在区县', () => {
    const person = { number: 'CQ2025000001', realName: '张三', idNumber: '5001**********1234' }
    const plan = { projectTitle: '专业技术人员公需科目', year: 2025, hours: 30, issuerName: '重庆市继续教育中心', issuedOn: '2025-06-01' }
    const rows = certificateRows({ ...person, ...plan, organisationName: '渝中区', organisationKind: 'district' })
    expect(rows.map((row) => `${row.label}：${row.value}`)).toEqual([
      '证书编号：CQ2025000001',
      '姓名：张三',
      '身份证号：5001**********1234',
      '培训项目：专业技术人员公需科目',
      '年度：2025 年',
      '学时：30 学时',
      '档案所在区县：渝中区',
      '发证机构：重庆市继续教育中心',
      '发证日期：2025年6月1日',
    ])
  })
})

describe('完善个人信息: the ID number confirmation', () => {
  it('accepts the account’s own number, also typed with a lower-case x or spaces', () => {
    expect(checkIdConfirmation(ID, MASKED, TODAY)).toEqual({ ok: true, value: ID })
    const x = ID_ENDING_IN_X
    expect(checkIdConfirmation(x.toLowerCase(), maskIdNumber(x), TODAY)).toEqual({ ok: true, value: x })
    expect(checkIdConfirmation(` ${ID.slice(0, 6)} ${ID.slice(6)} `, MASKED, TODAY)).toEqual({ ok: true, value: ID })
  })

  it('explains precisely what is wrong with a malformed number', () => {
    expect(checkIdConfirmation('', MASKED, TODAY)).toEqual({ ok: false, message: '请输入身份证号码' })
    expect(checkIdConfirmation(ID.slice(0, 17), MASKED, TODAY)).toEqual({ ok: false, message: '身份证号码应为18位' })
    const wrongCheck = `${ID_FIRST17}${idNumberCheckChar(ID_FIRST17) === '0' ? '1' : '0'}`
    expect(checkIdConfirmation(wrongCheck, MASKED, TODAY)).toMatchObject({ ok: false, message: expect.stringContaining('校验位') })
  })

  it('refuses a valid number that is not the account’s, naming the customer-service line', () => {
    const otherFirst17 = '50010219900101123'
    const other = `${otherFirst17}${idNumberCheckChar(otherFirst17)}`
    const result = checkIdConfirmation(other, MASKED, TODAY)
    expect(result.ok).toBe(false)
    expect(!result.ok && result.message).toContain('400-023-9229')
    expect(!result.ok && result.message).toContain(MASKED)
  })

  it('compares with the masked number character by character', () => {
    expect(fitsMaskedIdNumber(ID, MASKED)).toBe(true)
    expect(fitsMaskedIdNumber(ID.slice(1), MASKED)).toBe(false)
    expect(fitsMaskedIdNumber(`${ID.slice(0, 17)}Z`, MASKED)).toBe(false)
  })

  it('asks for the ID number first, then the organisation', () => {
    const unit = { kind: 'unit', unitId: 3, name: '重庆市某某设计研究院', districtName: '渝中区' } as const
    expect(confirmationProblem({ idNumber: '', maskedIdNumber: MASKED, organisation: null }, TODAY)).toBe('请输入身份证号码')
    expect(confirmationProblem({ idNumber: ID, maskedIdNumber: MASKED, organisation: null }, TODAY)).toContain('请选择组织机构')
    expect(confirmationProblem({ idNumber: ID, maskedIdNumber: MASKED, organisation: unit }, TODAY)).toBeNull()
  })

  it('sends a unit by id and a district by code, and labels them as printed', () => {
    const unit = { kind: 'unit', unitId: 3, name: '重庆市某某设计研究院', districtName: '渝中区' } as const
    const district = { kind: 'district', districtCode: '500103', name: '渝中区' } as const
    expect(organisationChoice(unit)).toEqual({ unitId: 3 })
    expect(organisationChoice(district)).toEqual({ districtCode: '500103' })
    expect(organisationLabel(unit)).toBe('重庆市某某设计研究院')
    expect(organisationLabel(district)).toBe('重庆市渝中区')
  })
})

describe('signed file links', () => {
  const url = '/api/certificates/5/certificate.png?expires=1748736000&sig=abc'

  it('reads the expiry from the link', () => {
    expect(signedLinkExpiry(url)).toBe(1748736000)
    expect(signedLinkExpiry('/api/certificates/5/certificate.png')).toBeNull()
  })

  it('calls a link stale shortly before it expires, and after', () => {
    expect(signedLinkStale(url, (1748736000 - 600) * 1000)).toBe(false)
    expect(signedLinkStale(url, (1748736000 - 30) * 1000)).toBe(true)
    expect(signedLinkStale(url, (1748736000 + 1) * 1000)).toBe(true)
    expect(signedLinkStale('/no-expiry.png', Date.now())).toBe(false)
  })

  it('builds the verification path from a number', () => {
    expect(verifyPath('CQ2025ABC')).toBe('/verify/CQ2025ABC')
  })
})

describe('证书验证', () => {
  it('says what is wrong with a typed number before any look-up', () => {
    const good = sampleNumber(1)
    expect(certificateNumberProblem('')).toBe('请输入证书编号')
    expect(certificateNumberProblem('CQ2025')).toContain('19位')
    expect(certificateNumberProblem(`${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`)).toBe('证书编号有误，请核对后重新输入')
    expect(certificateNumberProblem(good.toLowerCase())).toBeNull()
  })

  it('turns the server’s answer into the verdict shown', () => {
    const certificate: CertificateVerification['certificate'] = {
      number: sampleNumber(2),
      realName: '欧阳娜娜',
      idNumberMasked: MASKED,
      projectTitle: '重庆市2025年专技人员继续教育公需科目培训',
      year: 2025,
      hours: 30,
      organisationName: '重庆市渝中区',
      organisationKind: 'district',
      issuerName: '重庆市某某继续教育培训中心（示例）',
      issuedOn: '2025-06-01',
    }
    expect(verificationOutcome({ data: { genuine: true, signatureValid: true, sample: false, certificate } })).toEqual({ kind: 'genuine', certificate })
    expect(verificationOutcome({ data: { genuine: false, signatureValid: false, sample: false, certificate } })).toEqual({ kind: 'tampered', certificate })
    // The 体验 demo project's certificate: a 样例, never 「证书真实有效」.
    expect(verificationOutcome({ data: { genuine: false, signatureValid: true, sample: true, certificate } })).toEqual({ kind: 'sample', certificate })
    expect(verificationOutcome({ data: { genuine: false, signatureValid: false, sample: true, certificate } })).toEqual({ kind: 'tampered', certificate })
    expect(verificationOutcome({ error: new ApiError({ status: 404, code: 'CERTIFICATE_NOT_FOUND', message: '证书不存在' }) })).toEqual({ kind: 'not-found' })
    expect(verificationOutcome({ error: new ApiError({ status: 429, code: 'RATE_LIMITED', message: '…' }) })).toEqual({ kind: 'rate-limited' })
    expect(verificationOutcome({ error: new ApiError({ status: 0, code: 'NETWORK_ERROR', message: '网络连接失败' }) })).toEqual({ kind: 'error', message: '网络连接失败' })
  })
})
