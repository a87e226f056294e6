import path from 'node:path'
import { ConfigError, createDatabase, type Database, DatabaseUnavailableError, DataFolderLockedError, isClientError, loadConfig, usePersonalDataKeys } from '@app/server/commands'

/** A mistake by the operator (bad arguments, bad input file): reported in one line, no stack. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/**
 * Runs an operator command: expected failures (usage, config, unreachable database, a data folder
 * in use) print one line and exit 1; anything else is a bug and keeps its stack trace. Ctrl-C
 * exits 130 through process.exit, so the embedded database's lock is dropped on the way out.
 */
export async function runCli(main: () => Promise<void>): Promise<void> {
  const interrupted = () => {
    console.error('interrupted: nothing more was done')
    process.exit(130)
  }
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  try {
    await main()
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof DatabaseUnavailableError ||
      error instanceof DataFolderLockedError ||
      isClientError(error)
    ) {
      console.error(`error: ${(error as Error).message}`)
    } else {
      console.error(error)
    }
    process.exitCode = 1
  }
}

/**
 * Resolves a path argument against the directory the operator typed the command in: pnpm runs
 * package scripts in the package's folder but records the caller's folder in INIT_CWD.
 */
export function resolveArgPath(arg: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), arg)
}

/**
 * Opens the server's database the way the server does (DATABASE_URL, else the embedded PGlite in
 * <DATA_DIR>/pglite) and applies pending migrations. The embedded database allows one process at
 * a time: while the server (or another command) holds the folder's lock this throws
 * DataFolderLockedError, which runCli prints as one line.
 */
export async function openDatabase(): Promise<Database> {
  const config = loadConfig()
  usePersonalDataKeys(config.personalDataKeys)
  const database = await createDatabase(
    config.databaseUrl ? { url: config.databaseUrl, max: 2 } : { dataDir: path.join(config.dataDir, 'pglite') },
  )
  try {
    await database.migrate()
  } catch (error) {
    await database.close().catch(() => {})
    throw error
  }
  return database
}
