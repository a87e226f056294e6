import fs from 'node:fs/promises'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'

/**
 * Operator files at the site root (SITE_FILES_DIR): WeChat's domain verification file
 * `MP_verify_<code>.txt` (公众号后台 → 设置与开发 → 公众号设置 → 功能设置 → 网页授权域名 / JS接口安全域名),
 * and the like from other platforms. They live outside the H5 build, so a rebuild never loses them,
 * and are looked up per request, so an operator can drop one in without a restart.
 *
 * Safety rules, in order:
 * - only a single path segment with a plain name and a verification-file extension is considered,
 *   matched on the raw (still percent-encoded) URL: `/`, `\`, `%` and leading dots never match, so
 *   no traversal or encoded trick can reach outside the folder, and `/api/…`, `/media/…` and every
 *   H5 route (no extension) are out of reach;
 * - a name the H5 build also has (index.html …) is never shadowed: the H5 wins;
 * - only regular files, not symlinks, up to 64 kB, are served, byte for byte.
 */

const SITE_FILE = /^\/([A-Za-z0-9_][A-Za-z0-9_.-]{0,199}\.(txt|html|xml))(?:\?.*)?$/
const MAX_BYTES = 64 * 1024
const CONTENT_TYPES: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
}

/** The file name a request URL asks for, if it may be an operator file; else null. */
export function siteFileName(rawUrl: string): { name: string; extension: string } | null {
  const match = SITE_FILE.exec(rawUrl)
  if (!match) return null
  return { name: match[1] as string, extension: match[2] as string }
}

async function readRegularFile(dir: string, name: string): Promise<Buffer | null> {
  const file = path.join(dir, name)
  if (path.dirname(file) !== dir) return null
  const stat = await fs.lstat(file).catch(() => null)
  if (!stat?.isFile() || stat.size > MAX_BYTES) return null
  return fs.readFile(file).catch(() => null)
}

async function exists(file: string): Promise<boolean> {
  return (await fs.stat(file).catch(() => null)) !== null
}

export function registerSiteFiles(app: FastifyInstance, opts: { siteFilesDir: string; h5DistDir: string }): void {
  const dir = path.resolve(opts.siteFilesDir)
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return
    const wanted = siteFileName(request.url)
    if (!wanted) return
    if (await exists(path.join(opts.h5DistDir, wanted.name))) return
    const content = await readRegularFile(dir, wanted.name)
    if (!content) return
    // Revalidated every time: a replaced verification file must be what WeChat fetches next.
    reply
      .code(200)
      .header('content-type', CONTENT_TYPES[wanted.extension])
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
    return reply.send(content)
  })
}
