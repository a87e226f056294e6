import { createHash } from 'node:crypto'
import type { Plugin } from 'vite'

// Vant inlines its icon font into the icon stylesheet as a ~34 kB base64 woff2 (and names a
// fallback on at.alicdn.com). Inlined, it is a quarter of the entry weight and blocks first render;
// as its own file it loads in parallel, is cached across releases and never leaves our host.
const INLINE_FONT = /url\(\s*["']?data:font\/woff2;[^,]*base64,([A-Za-z0-9+/=]+)["']?\s*\)\s*format\(\s*["']?woff2["']?\s*\)/

/** Replaces the value of the `src` descriptor; the data URI holds `;`, so parentheses are tracked. */
function replaceSrc(face: string, value: string): string {
  const start = face.search(/src\s*:/)
  if (start === -1) return face
  const valueStart = face.indexOf(':', start) + 1
  let depth = 0
  let end = valueStart
  for (; end < face.length; end++) {
    const char = face[end]
    if (char === '(') depth++
    else if (char === ')') depth--
    else if ((char === ';' || char === '}') && depth === 0) break
  }
  return face.slice(0, valueStart) + value + face.slice(end)
}

/** Moves Vant's inline icon font out of the built CSS into assets/vant-icon-<hash>.woff2. */
export function vantIconFontFile(): Plugin {
  return {
    name: 'app:vant-icon-font-file',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== 'asset' || !asset.fileName.endsWith('.css') || typeof asset.source !== 'string') continue
        const css = asset.source
        const faceStart = css.search(/@font-face\s*\{[^}]*font-family\s*:\s*["']?vant-icon/)
        if (faceStart === -1) continue
        const faceEnd = css.indexOf('}', faceStart)
        const face = css.slice(faceStart, faceEnd + 1)
        const base64 = INLINE_FONT.exec(face)?.[1]
        if (!base64) continue

        const font = Buffer.from(base64, 'base64')
        const hash = createHash('sha256').update(font).digest('hex').slice(0, 8)
        const fileName = `assets/vant-icon-${hash}.woff2`
        if (!(fileName in bundle)) this.emitFile({ type: 'asset', fileName, source: font })

        // Every browser we target reads woff2, so the remote fallbacks go too. The URL is relative
        // to the stylesheet, which also lives in assets/, so it holds under any base path.
        const newFace = replaceSrc(face, `url(./vant-icon-${hash}.woff2) format("woff2")`)
        asset.source = css.slice(0, faceStart) + newFace + css.slice(faceEnd + 1)
      }
    },
  }
}
