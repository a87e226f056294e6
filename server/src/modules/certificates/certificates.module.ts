import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import type { CertificateSettings } from './certificates.config.ts'
import certificateRoutes from './certificates.routes.ts'
import type { CertificateDeps } from './certificates.types.ts'
import verifyRoutes from './verify.routes.ts'

export interface CertificatesModuleOptions {
  ctx: AppContext
  config: CertificateSettings
}

/** 证书: issue, files and the public 证书查验 (mounted at /api). */
const certificatesModule: FeatureModule<CertificatesModuleOptions> = async (app, { ctx, config }) => {
  const deps: CertificateDeps = {
    db: ctx.db,
    signingKey: ctx.deriveKey('certificate-signature'),
    issuerName: config.issuerName,
    seal: { text: config.sealText, sample: config.sealSample },
    publicBaseUrl: ctx.publicBaseUrl,
    now: ctx.now,
  }
  await app.register(certificateRoutes, { prefix: '/certificates', deps })
  await app.register(verifyRoutes, { prefix: '/verify', deps })
}

export default certificatesModule
