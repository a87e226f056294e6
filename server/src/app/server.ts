import closeWithGrace from 'close-with-grace'
import { ConfigError, loadConfig } from './app.config.ts'
import { DatabaseUnavailableError } from '../db/client.ts'
import { DataFolderLockedError } from '../db/data-folder-lock.ts'
import { PreparedStatementsUnsupportedError } from '../db/pooler-probe.ts'
import { startServer } from './bootstrap.ts'

/** Expected start-up failures end with one clear line and a non-zero exit, never a stack. */
function fail(error: unknown): never {
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`)
  else if (error instanceof DataFolderLockedError) console.error(`Cannot start: ${error.message}`)
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
    // The real environment over the repository's .env, when there is one (app.config.ts).
    config = loadConfig()
  } catch (error) {
    fail(error)
  }
  const server = await startServer(config).catch(fail)
  server.app.log.info(
    { url: config.publicBaseUrl, database: server.database.kind, wechat: server.wechat.mode, metricsPort: server.metrics?.port },
    `ready: open ${config.publicBaseUrl}/`,
  )
  // SIGINT/SIGTERM: stop accepting, finish in-flight requests, close the database, then exit 0.
  const closer = closeWithGrace({ delay: 10_000, skip: ['SIGINT', 'SIGTERM'] }, async ({ err }) => {
    if (err) server.app.log.error({ err }, 'shutting down after an error')
    await server.close()
  })
  onStopSignal(() => {
    server.app.log.info('stopping: finishing requests in flight, then closing the database')
    void closer.close()
  })
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']
// One Ctrl-C reaches the server several times: the terminal signals the whole process group, and
// each pnpm between the terminal and the server forwards it again. close-with-grace took the
// second copy for an impatient second Ctrl-C and exited 1 mid-shutdown, which pnpm reported as
// ELIFECYCLE. Copies within this window are the same Ctrl-C; a later one forces the exit.
const SAME_SIGNAL_MS = 2_000

function onStopSignal(stop: () => void): void {
  let first = 0
  const handle = (signal: NodeJS.Signals) => {
    const now = Date.now()
    if (first === 0) {
      first = now
      stop()
    } else if (now - first > SAME_SIGNAL_MS) {
      console.error(`${signal} again: exiting without waiting for the shutdown to finish`)
      process.exit(1)
    }
  }
  for (const signal of STOP_SIGNALS) process.on(signal, handle)
}

void main()
