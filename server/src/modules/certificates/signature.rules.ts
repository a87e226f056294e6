import { createHmac, timingSafeEqual } from 'node:crypto'

/** The printed data a signature covers. Adding a field means a new version prefix. */
export interface SignedCertificateData {
  number: string
  realName: string
  idNumber: string
  projectTitle: string
  year: number
  hours: number
  organisationName: string
  issuerName: string
  issuedOn: string
}

/** A fixed-order JSON array: unambiguous (no field can bleed into the next) and stable across runtimes. */
export function canonicalCertificateData(d: SignedCertificateData): string {
  return JSON.stringify(['cert-v1', d.number, d.realName, d.idNumber, d.projectTitle, d.year, d.hours.toFixed(1), d.organisationName, d.issuerName, d.issuedOn])
}

export function signCertificate(key: string, data: SignedCertificateData): string {
  return createHmac('sha256', key).update(canonicalCertificateData(data)).digest('base64url')
}

export function verifyCertificateSignature(key: string, data: SignedCertificateData, signature: string): boolean {
  const expected = Buffer.from(signCertificate(key, data))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
