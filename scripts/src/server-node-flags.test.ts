import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './bench/processes.ts'
import { SERVER_NODE_FLAGS } from './server-node-flags.ts'

describe("the server's Node flags", () => {
  it('are the ones `pnpm start` runs production with, so benchmarks measure what production runs', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'server/package.json'), 'utf8')) as { scripts: Record<string, string> }
    const start = pkg.scripts.start ?? ''
    expect(start).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} dist/server.mjs`)
  })
})
