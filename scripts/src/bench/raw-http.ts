import net from 'node:net'
import type { Client } from './load.ts'

/**
 * A light HTTP/1.1 keep-alive client for the fixed-rate phases of the benchmarks: the same
 * requests as `createClient` (load.ts), written to a socket as one buffer and answered by reading
 * the status line, Content-Length and body, nothing else. Node's http client cost the load
 * generator ~120 µs of CPU per request on the two cores it shares with the server and PostgreSQL,
 * and held its event loop up to ~20 ms (bench:progress prints both), so at 2,000 requests/s the
 * generator itself took a quarter of a core and added to the latency it measured.
 *
 * Only what our server answers is understood: a response with Content-Length. Anything else
 * (chunked, a malformed head) fails the request and closes its socket, so it shows as a failure.
 */
export function createRawClient(baseUrl: string): Client {
  const url = new URL(baseUrl)
  const host = url.hostname
  const port = Number(url.port)
  const idle: Connection[] = []
  const all = new Set<Connection>()

  interface Pending {
    resolve: (value: { status: number; body: string }) => void
    reject: (error: Error) => void
  }
  interface Connection {
    socket: net.Socket
    pending: Pending | null
    buffered: Buffer | null
  }

  function open(): Connection {
    const connection: Connection = { socket: net.connect({ host, port, noDelay: true }), pending: null, buffered: null }
    all.add(connection)
    const fail = (error: Error) => {
      all.delete(connection)
      const index = idle.indexOf(connection)
      if (index >= 0) idle.splice(index, 1)
      const pending = connection.pending
      connection.pending = null
      connection.socket.destroy()
      pending?.reject(error)
    }
    connection.socket.on('error', fail)
    connection.socket.on('close', () => fail(new Error('connection closed')))
    connection.socket.on('data', (chunk: Buffer) => {
      const data = connection.buffered ? Buffer.concat([connection.buffered, chunk]) : chunk
      const headEnd = data.indexOf('\r\n\r\n')
      if (headEnd < 0) {
        connection.buffered = data
        return
      }
      const head = data.toString('latin1', 0, headEnd)
      const status = Number(head.slice(9, 12))
      const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1]
      if (!head.startsWith('HTTP/1.1 ') || !Number.isInteger(status) || length === undefined) {
        fail(new Error(`unsupported response: ${head.split('\r\n')[0]}`))
        return
      }
      const bodyEnd = headEnd + 4 + Number(length)
      if (data.length < bodyEnd) {
        connection.buffered = data
        return
      }
      connection.buffered = null
      const pending = connection.pending
      connection.pending = null
      if (/\r\nconnection: *close/i.test(head)) {
        all.delete(connection)
        connection.socket.destroy()
      } else idle.push(connection)
      pending?.resolve({ status, body: data.toString('utf8', headEnd + 4, bodyEnd) })
    })
    return connection
  }

  return {
    request(method, path, body, headers = {}) {
      const payload = body === undefined ? '' : JSON.stringify(body)
      let head = `${method} ${path} HTTP/1.1\r\nhost: ${url.host}\r\n`
      for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`
      if (body !== undefined) head += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n`
      return new Promise((resolve, reject) => {
        const connection = idle.pop() ?? open()
        connection.pending = { resolve, reject }
        connection.socket.write(`${head}\r\n${payload}`)
      })
    },
    close() {
      for (const connection of all) connection.socket.destroy()
      all.clear()
      idle.length = 0
    },
  }
}
