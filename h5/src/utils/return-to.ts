/** Where sign-in pages must never send the learner back to: they would only show the form again. */
const SIGN_IN_PATHS = ['/login', '/register', '/forgot-password', '/wechat-snapshot']

const MAX_LENGTH = 512

/**
 * The page to open after sign-in, from `redirect` (our router guard) or `returnTo` (the server's
 * WeChat callback). Only a same-site H5 path is accepted: never an absolute or protocol-relative
 * URL (open redirect), never the API, never a sign-in page; anything else falls back to `/`.
 */
export function safeReturnPath(raw: unknown): string {
  const value = Array.isArray(raw) ? raw[0] : raw
  if (typeof value !== 'string' || value === '' || value.length > MAX_LENGTH) return '/'
  // One leading slash followed by something that is not another slash or a backslash: browsers
  // treat "//host" and "/\host" as other sites.
  if (!/^\/(?![/\\])/.test(value)) return '/'
  // Control characters and whitespace have no place in our paths (and "/\t/host" tricks parsers).
  if ([...value].some((ch) => ch <= ' ' || ch === '\u007f' || ch === '\\')) return '/'
  let url: URL
  try {
    url = new URL(value, 'http://h5.invalid')
  } catch {
    return '/'
  }
  if (url.origin !== 'http://h5.invalid') return '/'
  const path = url.pathname
  if (path === '/api' || path.startsWith('/api/')) return '/'
  if (SIGN_IN_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) return '/'
  return `${path}${url.search}${url.hash}`
}
