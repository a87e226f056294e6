import type { FastifyRequest } from 'fastify'

/**
 * A content-type parser for file uploads that enforces the size cap while the body streams in:
 * a declared Content-Length over the cap is refused before a byte is read, and a body that passes
 * the cap while arriving (chunked, or lying about its length) is refused at that chunk, so at most
 * `limit` bytes are ever held. Fastify answers a parser error with `Connection: close`, so the rest
 * of an oversized upload is never read. `tooLarge` makes the route's own error (a clear message).
 */
export function cappedUploadParser(limit: number, tooLarge: () => Error) {
  return (request: FastifyRequest, payload: NodeJS.ReadableStream, done: (error: Error | null, body?: Buffer) => void): void => {
    const declared = Number(request.headers['content-length'])
    if (declared > limit) {
      done(tooLarge())
      return
    }
    const chunks: Buffer[] = []
    let received = 0
    const finish = (error: Error | null, body?: Buffer) => {
      payload.removeListener('data', onData)
      payload.removeListener('end', onEnd)
      payload.removeListener('error', onError)
      done(error, body)
    }
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      received += bytes.length
      if (received > limit) {
        chunks.length = 0
        finish(tooLarge())
        return
      }
      chunks.push(bytes)
    }
    const onEnd = () => finish(null, Buffer.concat(chunks, received))
    const onError = (error: Error & { statusCode?: number }) => finish(Object.assign(error, { statusCode: error.statusCode ?? 400 }))
    payload.on('data', onData)
    payload.on('end', onEnd)
    payload.on('error', onError)
    payload.resume()
  }
}
