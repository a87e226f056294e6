import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * Seconds each journey file took on a two-core machine (CI's measure, rounded), for the first run
 * of a checkout, before vitest has timed the files itself: run the longest first, so that the run
 * never ends with one long file alone on one worker while the other has nothing left to do (by
 * file size, vitest's guess without timings, the accessibility tour came last and alone).
 */
const EXPECTED_SECONDS: Record<string, number> = {
  'e2e/a11y.e2e.test.ts': 200,
  'e2e/layout.e2e.test.ts': 180,
  'e2e/learning.e2e.test.ts': 100,
  'e2e/text-scale.e2e.test.ts': 70,
  'e2e/plan-completion.e2e.test.ts': 50,
  'e2e/certificates.e2e.test.ts': 40,
}
/** A journey not in the list: about what the short ones take. */
const DEFAULT_SECONDS = 15

/** Longest first: vitest's timing of the file's last run when it has one, else the list above. */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache
    const seconds = (file: TestSpecification): number => {
      const path = relative(this.ctx.config.root, file.moduleId).split('\\').join('/')
      const last = cache.getFileTestResults(`${file.project.name}:${path}`)
      // A file that failed last time runs first, as vitest's own order does.
      if (last?.failed) return Number.POSITIVE_INFINITY
      return last ? last.duration / 1000 : (EXPECTED_SECONDS[path] ?? DEFAULT_SECONDS)
    }
    return [...files].sort((a, b) => seconds(b) - seconds(a))
  }
}
