import { describe, expect, it } from 'vitest'
import { canonicalCertificateData, signCertificate, verifyCertificateSignature, type SignedCertificateData } from './signature.rules.ts'

const data: SignedCertificateData = {
  number: 'CQ20257KQ2M9XH4T1BR',
  realName: '张三',
  idNumber: '50010319850610123X',
  projectTitle: '重庆市2025年专技人员继续教育公需科目培训',
  year: 2025,
  hours: 30,
  organisationName: '重庆市渝中区',
  issuerName: '重庆市某某继续教育培训中心（示例）',
  issuedOn: '2025-06-01',
}

describe('certificate signatures', () => {
  it('verifies the data it signed and nothing else', () => {
    const signature = signCertificate('key-a', data)
    expect(verifyCertificateSignature('key-a', data, signature)).toBe(true)
    expect(verifyCertificateSignature('key-b', data, signature)).toBe(false)
    for (const [field, value] of Object.entries({ realName: '张三丰', hours: 30.5, issuedOn: '2025-06-02', organisationName: '重庆市江北区' })) {
      expect(verifyCertificateSignature('key-a', { ...data, [field]: value }, signature)).toBe(false)
    }
    expect(verifyCertificateSignature('key-a', data, 'short')).toBe(false)
  })

  it('keeps field boundaries: moving characters between fields changes the signed text', () => {
    const moved = { ...data, realName: '张', idNumber: `三${data.idNumber}` }
    expect(canonicalCertificateData(moved)).not.toBe(canonicalCertificateData(data))
  })

  it('signs 30 and 30.0 学时 alike (numeric columns come back either way)', () => {
    expect(signCertificate('k', { ...data, hours: 30 })).toBe(signCertificate('k', { ...data, hours: 30.0 }))
  })
})
