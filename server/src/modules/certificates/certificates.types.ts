import type { AppDb } from '../../db/client.ts'
import type { SealSettings } from './render/seal.ts'

/** What the certificates module needs from the app. */
export interface CertificateDeps {
  db: AppDb
  /** HMAC key for certificate signatures, derived from the server secret. */
  signingKey: string
  issuerName: string
  seal: SealSettings
  /** The H5 origin: QR codes link to `${publicBaseUrl}/verify/<number>`. */
  publicBaseUrl: string
  now: () => Date
}
