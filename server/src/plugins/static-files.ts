import fs from 'node:fs'
import path from 'node:path'
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import { ErrorCode } from '@app/shared'
import { sendError } from './error-handler.ts'
import { registerSiteFiles } from './site-files.ts'
import { registerMediaFiles } from './media-files.ts'

export interface StaticFilesOptions {
  /**
   * The built H5 (vite's dist); served at `/` with an SPA fallback to index.html. The staff console
   * (管理后台) is built into its `staff/` folder and served at `/staff/` the same way.
   */
  h5DistDir: string
  /** Course media of the seeded manifest, served at `/media/` with HTTP range support; videos only through signed links. */
  mediaDir: string
  /** The key of the built-in server's signed media links (integrations/media/static-link.ts). */
  mediaLinkKey: string
  /** The clock links expire by (tests move it). */
  now?: () => Date
  /** Operator files (MP_verify_*.txt …) served at the site root; see site-files.ts. */
  siteFilesDir?: string | null
}

/**
 * Serves the H5 and development media. index.html is never cached (WeChat's webview caches
 * aggressively, and a stale entry points at deleted chunks); hashed assets are immutable.
 */
export default fp<StaticFilesOptions>(
  async (app, opts) => {
    if (opts.siteFilesDir) registerSiteFiles(app, { siteFilesDir: opts.siteFilesDir, h5DistDir: opts.h5DistDir })
    const hasH5 = fs.existsSync(path.join(opts.h5DistDir, 'index.html'))
    if (hasH5) {
      await app.register(fastifyStatic, {
        root: opts.h5DistDir,
        prefix: '/',
        // Files are looked up per request (not globbed at start-up), so a rebuilt H5 is served at once.
        wildcard: true,
        index: ['index.html'],
        setHeaders(reply, filePath) {
          const immutable = filePath.includes(`${path.sep}assets${path.sep}`)
          reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        },
      })
    } else {
      app.log.warn('the H5 is not built (no h5/dist/index.html); only the API is served')
    }
    if (fs.existsSync(opts.mediaDir)) {
      await registerMediaFiles(app, { mediaDir: opts.mediaDir, linkKey: opts.mediaLinkKey, now: opts.now ?? (() => new Date()) })
    }

    const staffDir = path.join(opts.h5DistDir, 'staff')
    const hasConsole = hasH5 && fs.existsSync(path.join(staffDir, 'index.html'))

    app.setNotFoundHandler((request, reply) => {
      const pathname = request.url.split('?')[0] ?? ''
      const wantsPage = request.method === 'GET' || request.method === 'HEAD'
      const isApi = pathname === '/api' || pathname.startsWith('/api/')
      const isPageRoute = wantsPage && !isApi && !pathname.startsWith('/media/') && !path.extname(pathname)
      // The console's history-mode routes (/staff/learners/1 …) get the console's page.
      if (hasConsole && isPageRoute && (pathname === '/staff' || pathname.startsWith('/staff/'))) {
        return reply.header('cache-control', 'no-cache').sendFile('index.html', staffDir)
      }
      // History-mode routes of the SPA (/projects/1, /me …) are answered with index.html.
      if (hasH5 && isPageRoute) {
        return reply.header('cache-control', 'no-cache').sendFile('index.html', opts.h5DistDir)
      }
      return sendError(request, reply, 404, ErrorCode.ROUTE_NOT_FOUND, '请求的地址不存在')
    })
  },
  { name: 'static-files', dependencies: ['error-handler'] },
)
