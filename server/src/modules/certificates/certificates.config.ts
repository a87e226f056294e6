import { ConfigError, read, type Env } from '../../core/config-reading.ts'

/** Who issues certificates and what their seal says (CRT-3). */
export interface CertificateSettings {
  issuerName: string
  sealText: string
  /** True while the seal text is the built-in sample: the seal then reads 「样章」. */
  sealSample: boolean
}

/** Development defaults, marked as samples so nothing rendered with them passes for a real document. */
export const SAMPLE_CERTIFICATE_SETTINGS: CertificateSettings = {
  issuerName: '重庆市某某继续教育培训中心（示例）',
  sealText: '重庆市某某继续教育培训中心',
  sealSample: true,
}

export function parseCertificate(env: Env): CertificateSettings {
  const issuerName = read(env, 'CERTIFICATE_ISSUER')
  const sealText = read(env, 'CERTIFICATE_SEAL_TEXT')
  for (const [name, value] of [['CERTIFICATE_ISSUER', issuerName], ['CERTIFICATE_SEAL_TEXT', sealText]] as const) {
    if (value !== undefined && [...value].length > 30) {
      throw new ConfigError(`${name} must be at most 30 characters (it is printed on the certificate), e.g. ${name}=重庆市人力资源和社会保障局`)
    }
  }
  return {
    issuerName: issuerName ?? SAMPLE_CERTIFICATE_SETTINGS.issuerName,
    sealText: sealText ?? SAMPLE_CERTIFICATE_SETTINGS.sealText,
    sealSample: sealText === undefined,
  }
}

/** A production certificate must never carry the sample seal or issuer. */
export function requireCertificateSettingsInProduction(env: Env): void {
  for (const name of ['CERTIFICATE_ISSUER', 'CERTIFICATE_SEAL_TEXT'] as const) {
    if (read(env, name) === undefined) throw new ConfigError(`${name} is required when APP_ENV=production (certificates must not show the sample 样章)`)
  }
}
