import { createHash } from 'node:crypto'
import { findCertificateFile, storeCertificateFile, type CertificateRow } from './certificates.repository.ts'
import type { CertificateDeps } from './certificates.types.ts'
import { verifyUrl } from './certificates.service.ts'

/**
 * The renderers bring pdf-lib, fontkit, resvg and qrcode, about 40 MB resident: a process loads
 * them with the first certificate it renders, not at start-up (the build puts them in their own
 * chunk). Most requests, and every progress report, never need them.
 */
const renderers = () => import('./render/index.ts')

/** Bump when the layout changes: every certificate is then rendered anew on its next request. */
const LAYOUT_VERSION = 'layout-1'

/**
 * The cache key of a rendering: the layout version plus every setting outside the frozen data that
 * shows on the page (seal, verification origin), so changing configuration never serves stale files.
 */
export function renderVersion(deps: Pick<CertificateDeps, 'seal' | 'publicBaseUrl'>): string {
  const settings = JSON.stringify([deps.seal.text, deps.seal.sample, deps.publicBaseUrl])
  return `${LAYOUT_VERSION}:${createHash('sha256').update(settings).digest('base64url').slice(0, 12)}`
}

export async function renderCertificate(deps: Pick<CertificateDeps, 'seal' | 'publicBaseUrl'>, row: CertificateRow, kind: 'pdf' | 'png'): Promise<Buffer> {
  const { certificateArtwork, renderPdf, renderPng } = await renderers()
  const art = certificateArtwork({ ...row, verifyUrl: verifyUrl(deps, row.number), seal: deps.seal })
  return kind === 'pdf' ? Buffer.from(await renderPdf(art, { title: `合格证书 ${row.number}` })) : renderPng(art)
}

/** The certificate's PDF or PNG: from the database when rendered before, else rendered and stored. */
export async function certificateFile(deps: CertificateDeps, row: CertificateRow, kind: 'pdf' | 'png'): Promise<Buffer> {
  const version = renderVersion(deps)
  const cached = await findCertificateFile(deps.db, row.id, version, kind)
  if (cached) return cached
  const bytes = await renderCertificate(deps, row, kind)
  await storeCertificateFile(deps.db, { certificateId: row.id, renderVersion: version, kind, bytes, createdAt: deps.now() })
  return bytes
}

/** Renders each certificate file once per process at a time, whether a request or the issue asked for it. */
export interface CertificateFiles {
  /** The file, from the database or rendered now; a request arriving mid-render waits for that render. */
  file(row: CertificateRow, kind: 'pdf' | 'png'): Promise<Buffer>
  /**
   * Renders and stores both files in the background right after issue, so the learner's first 查看证书
   * finds them ready. Idempotent (stored files are kept, the insert ignores a concurrent one); never throws.
   */
  prerender(row: CertificateRow, onError: (error: unknown) => void): void
  /** Waits for background renders (the app's close: no render may outlive the database). */
  settled(): Promise<void>
}

export function createCertificateFiles(deps: CertificateDeps): CertificateFiles {
  const inFlight = new Map<string, Promise<Buffer>>()
  const background = new Set<Promise<void>>()

  function file(row: CertificateRow, kind: 'pdf' | 'png'): Promise<Buffer> {
    const key = `${row.id}:${kind}`
    const running = inFlight.get(key)
    if (running) return running
    const rendering = certificateFile(deps, row, kind).finally(() => inFlight.delete(key))
    inFlight.set(key, rendering)
    return rendering
  }

  function prerender(row: CertificateRow, onError: (error: unknown) => void): void {
    // The image first: 查看证书 shows it, the PDF waits for 「打印证书」.
    const task = (async () => {
      for (const kind of ['png', 'pdf'] as const) await file(row, kind)
    })()
      .catch(onError)
      .finally(() => background.delete(task))
    background.add(task)
  }

  return {
    file,
    prerender,
    async settled() {
      await Promise.allSettled([...background])
    },
  }
}
