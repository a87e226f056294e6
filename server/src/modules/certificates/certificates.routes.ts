import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CertificatePlanListSchema,
  CertificateSchema,
  DistrictListSchema,
  IdParamsSchema,
  IssueCertificateBodySchema,
  ORGANISATION_SEARCH_LIMIT,
  OrganisationListSchema,
  OrganisationQuerySchema,
} from '@app/shared'
import type { FastifyRequest } from 'fastify'
import { BinarySchema, FileLinkQuerySchema, withErrors } from '../../core/route-schemas.ts'
import { isValidFileLink } from './file-links.rules.ts'
import { createCertificateFiles } from './certificate-files.service.ts'
import { certificateView, getCertificateById, getOwnCertificate, issueCertificate, listCertificatePlans } from './certificates.service.ts'
import type { CertificateDeps } from './certificates.types.ts'
import { CHONGQING_DISTRICTS, districtName } from './districts.rules.ts'
import { searchOrganisations } from './organisations.repository.ts'

export interface CertificateRoutesOptions {
  deps: CertificateDeps
}

const security = [{ bearer: [] }]
const FILE_TYPES = { pdf: 'application/pdf', png: 'image/png' } as const

/** 我的证书 (CRT-1 … CRT-3): every query is scoped to the signed-in learner. */
const certificateRoutes: FastifyPluginAsyncTypebox<CertificateRoutesOptions> = async (app, { deps }) => {
  const files = createCertificateFiles(deps)
  app.addHook('onClose', async () => {
    await files.settled()
  })

  /** A request for a file carrying a valid, unexpired link signature for that certificate and kind. */
  function isSignedFileRequest(request: FastifyRequest): boolean {
    const match = /^\/api\/certificates\/(\d+)\/certificate\.(pdf|png)\?/.exec(request.url)
    const query = request.query as { expires?: number; sig?: string }
    if (!match || query.sig === undefined || query.expires === undefined) return false
    return isValidFileLink(deps.signingKey, Number(match[1]), match[2] as 'pdf' | 'png', Number(query.expires), query.sig, deps.now())
  }

  // The file routes also accept a signed link (file-links.rules.ts), since <img> and 「打印证书」 cannot send a token.
  app.addHook('preHandler', async (request, reply) => {
    if (!isSignedFileRequest(request)) await app.authenticate(request, reply)
  })
  // Certificates carry the full ID number: no shared cache may keep them.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store')
  })

  app.get(
    '/',
    { schema: { tags: ['certificates'], summary: '我的证书：已完成与未完成的培训计划', security, response: withErrors({ 200: CertificatePlanListSchema }) } },
    async (request) => ({ plans: await listCertificatePlans(deps, request.user.uid) }),
  )

  app.get(
    '/organisations',
    {
      schema: {
        tags: ['certificates'],
        summary: '组织机构：按名称查找单位（最多20条）',
        security,
        querystring: OrganisationQuerySchema,
        response: withErrors({ 200: OrganisationListSchema }),
      },
    },
    async (request) => {
      const rows = await searchOrganisations(deps.db, (request.query.q ?? '').trim(), ORGANISATION_SEARCH_LIMIT)
      return { organisations: rows.map((r) => ({ ...r, districtName: districtName(r.districtCode) ?? '' })) }
    },
  )

  app.get(
    '/districts',
    { schema: { tags: ['certificates'], summary: '重庆市区县（找不到单位时选择档案所在区县）', security, response: withErrors({ 200: DistrictListSchema }) } },
    async () => ({ districts: [...CHONGQING_DISTRICTS] }),
  )

  app.post(
    '/',
    {
      schema: {
        tags: ['certificates'],
        summary: '完善个人信息并生成证书（重复提交返回已有证书）',
        security,
        body: IssueCertificateBodySchema,
        response: withErrors({ 200: CertificateSchema, 201: CertificateSchema }),
      },
    },
    async (request, reply) => {
      const { certificate, created, row } = await issueCertificate(deps, request.user.uid, request.body)
      // Rendered now, in the background, so the first 查看证书 does not wait for it (the answer does not either).
      if (created) files.prerender(row, (error) => request.log.warn({ err: error, certificateId: row.id }, 'certificate pre-render failed'))
      reply.code(created ? 201 : 200)
      return certificate
    },
  )

  app.get(
    '/:id',
    { schema: { tags: ['certificates'], summary: '查看证书（本人，含完整身份证号）', security, params: IdParamsSchema, response: withErrors({ 200: CertificateSchema }) } },
    async (request) => certificateView(deps, await getOwnCertificate(deps, request.user.uid, request.params.id)),
  )

  for (const kind of ['pdf', 'png'] as const) {
    app.get(
      `/:id/certificate.${kind}`,
      {
        schema: {
          tags: ['certificates'],
          summary: kind === 'pdf' ? '证书 PDF（A4 横版，用于打印）' : '证书图片（微信内长按保存）',
          security,
          params: IdParamsSchema,
          querystring: FileLinkQuerySchema,
          response: withErrors({ 200: BinarySchema }),
        },
      },
      async (request, reply) => {
        const row = isSignedFileRequest(request)
          ? await getCertificateById(deps, request.params.id)
          : await getOwnCertificate(deps, request.user.uid, request.params.id)
        const bytes = await files.file(row, kind)
        // The number, not the learner's name, names the file: non-Latin names get mangled in
        // download file names by several browsers and WeChat's viewer.
        return reply
          .type(FILE_TYPES[kind])
          .header('content-disposition', `inline; filename="certificate-${row.number}.${kind}"`)
          .send(bytes)
      },
    )
  }
}
export default certificateRoutes
