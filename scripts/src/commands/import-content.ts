/**
 * Imports catalogue content from a manifest (OPS-1):
 *   pnpm --filter @app/scripts import-content <manifest.json>
 * The format and media rules are described in server/src/modules/catalogue/catalogue-import.service.ts.
 * Re-running with the same file changes nothing; a refused manifest writes nothing.
 */
import { importCatalogue, type ImportReport, ManifestError } from '@app/server/commands'
import { openDatabase, resolveArgPath, runCli, UsageError } from './cli.ts'

const KIND_LABELS: Record<keyof ImportReport, string> = {
  categories: 'categories',
  projects: 'projects',
  courses: 'courses',
  chapters: 'chapters',
  questions: 'questions',
}

/** One aligned line per kind, plus a warning for rows the manifest no longer lists. */
function formatReport(report: ImportReport): string {
  const lines = (Object.keys(KIND_LABELS) as (keyof ImportReport)[]).map((kind) => {
    const c = report[kind]
    const kept = c.notInManifest > 0 ? `, ${c.notInManifest} not in manifest (kept)` : ''
    return `${KIND_LABELS[kind].padEnd(11)} ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged${kept}`
  })
  if (Object.values(report).some((c) => c.notInManifest > 0)) {
    lines.push('warning: rows not in the manifest were kept as they are (learners may depend on them); review them by hand')
  }
  return lines.join('\n')
}

async function main(): Promise<void> {
  const [arg, ...rest] = process.argv.slice(2)
  if (arg === undefined || rest.length > 0 || arg === '--help' || arg === '-h') {
    throw new UsageError('usage: import-content <manifest.json>')
  }
  const manifestPath = resolveArgPath(arg)
  const database = await openDatabase()
  try {
    const report = await importCatalogue(database.db, manifestPath).catch((error: unknown) => {
      throw error instanceof ManifestError ? new UsageError(`${arg} refused: ${error.message}`) : error
    })
    console.log(`imported ${manifestPath} into ${database.kind}`)
    console.log(formatReport(report))
  } finally {
    await database.close()
  }
}

await runCli(main)
