import Fastify from 'fastify'

// The yardstick for bench:progress: a bare Fastify JSON route on the same machine, no database.
const app = Fastify({ logger: false })
app.post('/bare', async (request) => ({ ok: true, echo: (request.body as { seq?: number }).seq ?? 0 }))
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0) })
process.send?.('ready')
