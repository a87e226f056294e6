import path from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fastifyStatic from '@fastify/static'
import { ErrorCode } from '@app/shared'
import { checkStaticMediaUrl, type StaticMediaQuery } from '../integrations/media/static-link.ts'
import { sendError } from './error-handler.ts'

export interface MediaFilesOptions {
  /** The manifest's media/ folder, served at /media/. */
  mediaDir: string
  /** The HMAC key of the built-in server's media links (integrations/media/static-link.ts). */
  linkKey: string
  now: () => Date
}

/** Covers are shown on public catalogue pages: plain links, cached a day. Everything else (videos) needs a signed link. */
const PUBLIC_EXTENSIONS = new Set(['.svg', '.png', '.jpg', '.jpeg', '.webp', '.gif'])

/** `/media/a%20b.mp4?…` → `media/a b.mp4`, or null for a path that does not decode. */
function objectKeyOf(url: string): string | null {
  const pathname = url.split('?')[0] ?? ''
  try {
    return pathname.slice(1).split('/').map(decodeURIComponent).join('/')
  } catch {
    return null
  }
}

/**
 * Answers a media request's link check: covers pass; a video passes with a valid signed link and is
 * cached privately no longer than the link lives (a shared cache must never serve it to the next
 * person, nor a browser after expiry). Expired and tampered links are 403 with a stable code the
 * player can tell apart; it asks the server for a fresh link either way.
 */
function checkLink(opts: MediaFilesOptions) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const objectKey = objectKeyOf(request.url)
    if (objectKey !== null && PUBLIC_EXTENSIONS.has(path.extname(objectKey).toLowerCase())) {
      reply.header('cache-control', 'public, max-age=86400')
      return
    }
    const query = request.query as StaticMediaQuery
    const now = opts.now()
    const verdict = objectKey === null ? 'invalid' : checkStaticMediaUrl(opts.linkKey, objectKey, query, now)
    if (verdict === 'valid') {
      const left = Math.max(0, Number(query.expires) - Math.ceil(now.getTime() / 1000))
      reply.header('cache-control', `private, max-age=${left}`)
      return
    }
    reply.header('cache-control', 'no-store')
    if (verdict === 'expired') return sendError(request, reply, 403, ErrorCode.MEDIA_LINK_EXPIRED, '视频链接已过期，请刷新页面后继续学习')
    return sendError(request, reply, 403, ErrorCode.MEDIA_LINK_INVALID, '视频链接无效，请从课程页面打开')
  }
}

/**
 * Course media at /media/ (MEDIA_PROVIDER=static, and covers for every provider), with HTTP range
 * support: iOS's AVPlayer first asks `Range: bytes=0-1` and plays only after a 206, and seeking in
 * WeChat on iOS and Android is a Range request to the same link.
 */
export async function registerMediaFiles(app: FastifyInstance, opts: MediaFilesOptions): Promise<void> {
  await app.register(async (media) => {
    media.addHook('onRequest', checkLink(opts))
    await media.register(fastifyStatic, {
      root: opts.mediaDir,
      prefix: '/media/',
      decorateReply: false,
      acceptRanges: true,
      // The hook above decides the caching of each answer.
      cacheControl: false,
      etag: true,
      lastModified: true,
    })
  })
}
