import { randomInt } from 'node:crypto'
import { CERTIFICATE_NUMBER_ALPHABET, certificateCheckChar } from '@app/shared'

/** A fresh certificate number for a project year: 60 random bits from the OS CSPRNG plus a check character. */
export function newCertificateNumber(year: number): string {
  let random = ''
  for (let i = 0; i < 12; i++) random += CERTIFICATE_NUMBER_ALPHABET[randomInt(CERTIFICATE_NUMBER_ALPHABET.length)]
  const body = `CQ${year}${random}`
  return body + certificateCheckChar(body)
}
