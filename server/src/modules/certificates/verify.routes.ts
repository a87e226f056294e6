import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CertificateVerificationSchema, VerifyParamsSchema } from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { VerifyRateLimitedError } from './certificates.errors.ts'
import { verifyCertificate } from './certificates.service.ts'
import type { CertificateDeps } from './certificates.types.ts'
import { takeVerifyHit } from './verify-rate-limit.repository.ts'

export interface VerifyRoutesOptions {
  deps: CertificateDeps
}

/** 证书验证 (CRT-4): public, reached from the QR code; no sign-in, rate-limited per address. */
const verifyRoutes: FastifyPluginAsyncTypebox<VerifyRoutesOptions> = async (app, { deps }) => {
  app.get(
    '/:number',
    {
      schema: {
        tags: ['certificates'],
        summary: '证书真伪验证（公开，身份证号打码）',
        params: VerifyParamsSchema,
        response: withErrors({ 200: CertificateVerificationSchema }),
      },
    },
    async (request, reply) => {
      const hit = await takeVerifyHit(deps.db, request.ip, deps.now())
      if (!hit.allowed) {
        reply.header('retry-after', String(hit.retryAfterSeconds))
        throw new VerifyRateLimitedError()
      }
      return verifyCertificate(deps, request.params.number)
    },
  )
}
export default verifyRoutes
