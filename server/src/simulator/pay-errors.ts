// Error replies of api.mch.weixin.qq.com: {code, message, detail?} with a Request-ID whose
// suffix is a numeric error code (docs/wechat-protocol.md §3.1, §3.12).
import type { FastifyReply } from 'fastify'
import { requestId } from './pay-signing.ts'
import { randomInt } from 'node:crypto'

export interface PayError {
  status: number
  code: string
  message: string
  /** the numeric code after the last '-' of Request-ID; a plausible random one when unknown */
  errno?: number
  detail?: { field?: string; value?: unknown; issue?: string; location?: string }
}

/** Request-ID error numbers listed in docs/wechat-protocol.md §3.12; others get a random 2684xxxxx value. */
export const ERRNO = {
  paramFormat: 268435461,
  reentryMismatch: 268498688,
  orderPaid: 268449538,
  orderNotExist: 268512771,
  openidMissing: 268501013,
} as const

export function sendPayError(reply: FastifyReply, e: PayError): FastifyReply {
  reply.header('Request-ID', requestId(e.errno ?? 268400000 + randomInt(0, 100000)))
  return reply.code(e.status).type('application/json; charset=utf-8').send({
    code: e.code,
    message: e.message,
    ...(e.detail ? { detail: e.detail } : {}),
  })
}

export const paramError = (field: string, issue: string, value?: unknown): PayError => ({
  status: 400,
  code: 'PARAM_ERROR',
  message: `参数错误：${issue}`,
  errno: ERRNO.paramFormat,
  detail: { field, ...(value !== undefined ? { value } : {}), issue, location: 'body' },
})
