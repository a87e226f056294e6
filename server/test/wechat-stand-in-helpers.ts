/**
 * Test-only helpers: RSA keys and a tiny HTTP stand-in for WeChat. Written with node:crypto
 * directly, independent of the code under test and of src/simulator/, so a bug in our signing or
 * verification cannot be mirrored here.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateKeyPairSync, sign } from 'node:crypto'

export interface PemKeyPair {
  publicKeyPem: string
  privateKeyPem: string
}

export function generateRsaKeys(): PemKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
  return { publicKeyPem: publicKey, privateKeyPem: privateKey }
}

/** What WeChat Pay puts in Wechatpay-Signature: RSA-SHA256 PKCS#1 v1.5 over `ts\nnonce\nbody\n`. */
export function signAsWechatpay(privateKeyPem: string, timestamp: string, nonce: string, body: string): string {
  return sign('RSA-SHA256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`, 'utf8'), privateKeyPem).toString('base64')
}

export interface ReceivedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

export interface StandIn {
  baseUrl: string
  requests: ReceivedRequest[]
  close(): Promise<void>
}

export async function startStandIn(
  handle: (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>,
): Promise<StandIn> {
  const requests: ReceivedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      requests.push(received)
      Promise.resolve(handle(received, res)).catch(() => {
        res.statusCode = 500
        res.end()
      })
    })
  })
  // Node closes an idle kept-alive socket after 5 s; on a loaded machine that can land just as the
  // client reuses it (ECONNRESET), failing a step for a reason no test is about. Real servers do it
  // too, and the jobs retry; the stand-ins keep sockets long enough that a test never meets it.
  server.keepAliveTimeout = 120_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}
