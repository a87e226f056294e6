// Conventions of api.weixin.qq.com: always HTTP 200, errors as {errcode, errmsg} with a trace suffix.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { withRid } from './util.ts'

export function apiError(reply: FastifyReply, errcode: number, errmsg: string): FastifyReply {
  return reply.code(200).send({ errcode, errmsg: withRid(errmsg) })
}

/** A single-valued query parameter (repeated or missing parameters read as undefined). */
export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' ? value : undefined
}
