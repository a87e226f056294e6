/**
 * The top entries of a V8 CPU profile (`node --cpu-prof`), by self time and by total time, with
 * file:line. Frames of the bundled server (dist/*.mjs) are mapped back to their TypeScript source
 * through the bundle's source map, so the lines point at server/src.
 *
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" pnpm bench:progress
 *   pnpm --filter @app/scripts exec tsx src/bench/cpu-profile-top.ts /tmp/prof/CPU.*.cpuprofile [count]
 *
 * Total time counts a function once per sample even when it recurses. `(idle)` is the event loop
 * waiting; `(garbage collector)` and `(program)` are V8's own work.
 */
import { existsSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { fileURLToPath } from 'node:url'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const [file, countArg] = process.argv.slice(2)
if (!file) throw new Error('usage: cpu-profile-top.ts <file.cpuprofile> [count]')
const count = Number(countArg ?? 15)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

const maps = new Map<string, SourceMap | null>()
function sourceMapOf(url: string): SourceMap | null {
  if (!maps.has(url)) {
    const path = url.startsWith('file://') ? fileURLToPath(url) : url
    const mapPath = `${path}.map`
    maps.set(url, path.endsWith('.mjs') && existsSync(mapPath) ? new SourceMap(JSON.parse(readFileSync(mapPath, 'utf8'))) : null)
  }
  return maps.get(url) ?? null
}

/** "function file:line", the file shortened to what follows node_modules/ or the repository's src. */
function label(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)'
  if (!frame.url) return name
  let where = `${frame.url}:${frame.lineNumber + 1}`
  const entry = sourceMapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber)
  if (entry && 'originalSource' in entry && entry.originalSource) where = `${entry.originalSource}:${entry.originalLine + 1}`
  const short = where.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^.*?\/(server|shared|scripts)\/src\//, '$1/src/')
  return `${name} ${short}`
}

const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const labels = new Map(profile.nodes.map((n) => [n.id, label(n.callFrame)]))

const self = new Map<string, number>()
const total = new Map<string, number>()
let all = 0
profile.samples.forEach((nodeId, i) => {
  const dt = profile.timeDeltas[i] ?? 0
  all += dt
  const own = labels.get(nodeId) as string
  self.set(own, (self.get(own) ?? 0) + dt)
  const seen = new Set<string>()
  for (let id: number | undefined = nodeId; id !== undefined; id = parent.get(id)) {
    const l = labels.get(id) as string
    if (l === '(root)' || seen.has(l)) continue
    seen.add(l)
    total.set(l, (total.get(l) ?? 0) + dt)
  }
})

const idle = self.get('(idle)') ?? 0
const busy = all - idle
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (ms, % of busy time ${(busy / 1000).toFixed(0)} ms; idle ${(idle / 1000).toFixed(0)} ms)`)
  const rows = [...m.entries()].filter(([l]) => l !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, count)
  for (const [l, us] of rows) console.log(`${(us / 1000).toFixed(0).padStart(7)} ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${l}`)
}
print('self time', self)
print('total time', total)
