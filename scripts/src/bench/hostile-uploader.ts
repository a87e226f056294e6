/**
 * The uploading side of bench:uploads, in its own process so that writing 50 MB bodies never delays
 * the parent's probes: keeps each given file in flight (sent again as soon as it is answered) until
 * `stopAt`, then prints every answer as JSON on stdout.
 *
 *   tsx src/bench/hostile-uploader.ts <port> <token> <stopAtEpochMs> <file.json> …
 */
import { readFileSync } from 'node:fs'
import http from 'node:http'

export interface Hostile {
  label: string
  fileName: string
  type: string
  /** Where the parent wrote the file. */
  path: string
  /** Send without Content-Length, in 64 KB chunks (the server cannot refuse it from the header). */
  chunked: boolean
}

export interface Refusal {
  ms: number
  status: number
  code: string
  message: string
}

/** One upload on its own connection; resolves when the server answers (or drops the connection). */
function upload(port: number, token: string, file: Hostile, body: Buffer): Promise<Refusal> {
  const started = performance.now()
  return new Promise((resolve) => {
    let answered = false
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/staff/bulk-registrations?fileName=${encodeURIComponent(file.fileName)}`,
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': file.type, ...(file.chunked ? {} : { 'content-length': body.length }) },
      },
      (res) => {
        answered = true
        const ms = performance.now() - started
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          let body: { code?: string; message?: string } = {}
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
          } catch {
            // not JSON
          }
          resolve({ ms, status: res.statusCode ?? 0, code: body.code ?? '-', message: body.message ?? '' })
        })
        res.on('error', () => resolve({ ms, status: res.statusCode ?? 0, code: '-', message: '' }))
      },
    )
    // The server closing the connection on an oversized body ends our writes with EPIPE/ECONNRESET.
    req.on('error', () => {
      if (!answered) resolve({ ms: performance.now() - started, status: 0, code: 'connection closed', message: '' })
    })
    if (!file.chunked) {
      req.end(body)
      return
    }
    let at = 0
    const writeMore = () => {
      while (at < body.length) {
        const chunk = body.subarray(at, at + 64 * 1024)
        at += chunk.length
        if (!req.write(chunk)) {
          req.once('drain', writeMore)
          return
        }
      }
      req.end()
    }
    writeMore()
  })
}


const [port, token, stopAt, ...specs] = process.argv.slice(2)
if (port && token && stopAt) {
  const files = specs.map((spec) => JSON.parse(readFileSync(spec, 'utf8')) as Hostile)
  const answers = await Promise.all(
    files.map(async (file) => {
      const body = readFileSync(file.path)
      const runs: Refusal[] = []
      while (Date.now() < Number(stopAt)) runs.push(await upload(Number(port), token, file, body))
      return runs
    }),
  )
  process.stdout.write(JSON.stringify(answers))
}
