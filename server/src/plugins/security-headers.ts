import fp from 'fastify-plugin'
import type { IncomingMessage, ServerResponse } from 'node:http'
import helmet, { type HelmetOptions } from 'helmet'

export interface SecurityHeadersOptions {
  /** https → HSTS and upgrade-insecure-requests; http (development) → neither. */
  publicBaseUrl: string
}

/** HSTS lifetime once served over https: one year, this host only (no includeSubDomains/preload). */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600

/**
 * The Content-Security-Policy every answer carries (H5 pages, API, media, the verification page).
 * Scripts, styles, fetches and frames come from our origin only; the H5 has no inline script
 * (Vite emits files) and the JS-SDK is bundled (inside WeChat it talks to the native
 * WeixinJSBridge, which is no script load). Inline *styles* are allowed because Vant and video.js
 * set style attributes and video.js adds its own <style>. Images and video may also come from any
 * https origin (course media can live on a CDN) and from data:/blob: (certificate image, player).
 * Nothing may frame us, and no plugins (<object>/<embed>) run.
 */
export function contentSecurityPolicy(https: boolean): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', 'https:'],
    'media-src': ["'self'", 'blob:', 'https:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  }
}

/** The helmet options: the CSP above, nosniff, a strict Referrer-Policy, frame denial, HSTS on https. */
function helmetOptions(https: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(https) },
    strictTransportSecurity: https ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: false } : false,
    // Page URLs can carry ids and signed links.
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // Frame denial for old browsers (the CSP's frame-ancestors for the others).
    xFrameOptions: { action: 'deny' },
    // Popups we open (the certificate PDF) stay same-origin; nothing cross-origin embeds us.
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  }
}

/**
 * The headers helmet sets, computed once: helmet is a connect middleware that writes the same
 * headers on every response for a fixed configuration, so it is run here against a recording
 * response instead of per request. (@fastify/helmet rebuilds the whole middleware, CSP parsing
 * included, on every request: 3–4 % of the server's CPU under bench:progress, plus its garbage.)
 */
export function securityHeaderValues(publicBaseUrl: string): Record<string, string> {
  const headers: Record<string, string> = {}
  const recorder = {
    setHeader: (name: string, value: string | number) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  }
  helmet(helmetOptions(publicBaseUrl.startsWith('https://')))({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error
  })
  return headers
}

/** Security headers on every answer (API, pages, media, errors), set before any handler runs. */
export default fp<SecurityHeadersOptions>(
  async (app, opts) => {
    const headers = securityHeaderValues(opts.publicBaseUrl)
    // A callback hook, not an async one: it runs for every request, and an async hook costs a promise each time.
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers)
      done()
    })
  },
  { name: 'security-headers' },
)
