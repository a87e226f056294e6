import fp from 'fastify-plugin'
import fastifyHelmet from '@fastify/helmet'

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

/**
 * Security headers on every answer through @fastify/helmet: the CSP above, nosniff, a strict
 * Referrer-Policy (page URLs can carry ids and signed links), frame denial for old browsers, and
 * HSTS when the public address is https.
 * @see https://github.com/fastify/fastify-helmet
 */
export default fp<SecurityHeadersOptions>(
  async (app, opts) => {
    const https = opts.publicBaseUrl.startsWith('https://')
    await app.register(fastifyHelmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(https) },
      strictTransportSecurity: https ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: false } : false,
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      xFrameOptions: { action: 'deny' },
      // Popups we open (the certificate PDF) stay same-origin; nothing cross-origin embeds us.
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      crossOriginEmbedderPolicy: false,
    })
  },
  { name: 'security-headers' },
)
