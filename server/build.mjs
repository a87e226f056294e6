// Bundles the server for `node dist/server.mjs`: our TypeScript (server and @app/shared) becomes one
// ES module; npm dependencies stay external and load from node_modules. Running built JavaScript
// instead of transpiling at start-up makes start-up faster and the process smaller. Code reached only
// through `await import()` (the certificate renderers) goes into its own chunk, with its npm
// dependencies, so a process loads it when first needed. The parser thread's entry
// (src/workers/parsers.worker.ts) is a second entry point: dist/parsers.worker.mjs, beside server.mjs,
// where src/workers/worker-runner.ts looks for it.
import { build } from 'esbuild'
import { readFileSync, rmSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@app/'))

rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true })
await build({
  entryPoints: { server: 'src/app/server.ts', 'parsers.worker': 'src/workers/parsers.worker.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: external.flatMap((name) => [name, `${name}/*`]),
  logLevel: 'warning',
})
console.log('server built: dist/server.mjs')
