import type { FastifyReply, FastifyRequest } from 'fastify'
import { SESSION_IDLE_MS } from './sessions.service.ts'

/**
 * Cookies of the sign-in flow. The refresh token lives only in an httpOnly cookie scoped to
 * /api/auth, so page scripts never see it; the H5 holds just the 15-minute access token.
 */
export const REFRESH_COOKIE = 'jx_rt'
export const WECHAT_PENDING_COOKIE = 'jx_wx'
export const OAUTH_STATE_COOKIE = 'jx_oauth'
const AUTH_PATH = '/api/auth'

export interface CookiePolicy {
  secure: boolean
}

export function setRefreshCookie(reply: FastifyReply, policy: CookiePolicy, token: string) {
  reply.setCookie(REFRESH_COOKIE, token, {
    path: AUTH_PATH,
    httpOnly: true,
    sameSite: 'lax',
    secure: policy.secure,
    maxAge: SESSION_IDLE_MS / 1000,
  })
}

export function clearRefreshCookie(reply: FastifyReply, policy: CookiePolicy) {
  reply.clearCookie(REFRESH_COOKIE, { path: AUTH_PATH, httpOnly: true, sameSite: 'lax', secure: policy.secure })
}

/** A signed, short-lived note of the WeChat openid this browser came with, until sign-in binds it. */
export function setPendingOpenid(reply: FastifyReply, policy: CookiePolicy, openid: string) {
  reply.setCookie(WECHAT_PENDING_COOKIE, openid, {
    path: AUTH_PATH,
    httpOnly: true,
    sameSite: 'lax',
    secure: policy.secure,
    signed: true,
    maxAge: 15 * 60,
  })
}

export function readPendingOpenid(request: FastifyRequest): string | null {
  return readSigned(request, WECHAT_PENDING_COOKIE)
}

export function clearPendingOpenid(reply: FastifyReply, policy: CookiePolicy) {
  reply.clearCookie(WECHAT_PENDING_COOKIE, { path: AUTH_PATH, httpOnly: true, sameSite: 'lax', secure: policy.secure, signed: true })
}

export function readSigned(request: FastifyRequest, name: string): string | null {
  const raw = request.cookies[name]
  if (!raw) return null
  const result = request.unsignCookie(raw)
  return result.valid ? result.value : null
}
