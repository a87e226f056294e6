import closeWithGrace from 'close-with-grace'
import { ConfigError, loadConfig } from './config.ts'
import { DatabaseUnavailableError } from './db/client.ts'
import { PreparedStatementsUnsupportedError } from './db/pooler-probe.ts'
import { startServer } from './bootstrap.ts'

/** Expected start-up failures end with one clear line and a non-zero exit, never a stack. */
function fail(error: unknown): never {
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`)
  else if (error instanceof DatabaseUnavailableError || error instanceof PreparedStatementsUnsupportedError) console.error(`Database error: ${error.message}`)
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Cannot listen: port ${(error as { port?: number }).port ?? ''} is already in use (set PORT to another port)`)
  } else {
    console.error('Start-up failed:', error)
  }
  process.exit(1)
}

async function main() {
  let config
  try {
    // The real environment over the repository's .env, when there is one (config.ts).
    config = loadConfig()
  } catch (error) {
    fail(error)
  }
  const server = await startServer(config).catch(fail)
  server.app.log.info(
    { url: config.publicBaseUrl, database: server.database.kind, wechat: server.wechat.mode, metricsPort: server.metrics?.port },
    `ready: open ${config.publicBaseUrl}/`,
  )
  // SIGINT/SIGTERM: stop accepting, finish in-flight requests, close the database, then exit.
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) server.app.log.error({ err }, 'shutting down after an error')
    await server.close()
  })
}

void main()
