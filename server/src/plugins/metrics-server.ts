import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { registry } from '../core/metrics.registry.ts'

export interface MetricsServer {
  port: number
  close(): Promise<void>
}

/**
 * GET /metrics on its own listener (METRICS_HOST:METRICS_PORT, private by default): Prometheus
 * scrapes each instance there; the public port never serves metrics.
 */
export async function startMetricsServer(host: string, port: number): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end()
      return
    }
    registry
      .metrics()
      .then((body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body))
      .catch(() => response.writeHead(500).end())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
