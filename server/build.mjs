// Bundles the server for `node dist/server.mjs`: our TypeScript (server and @app/shared) becomes one
// ES module; npm dependencies stay external and load from node_modules. Running built JavaScript
// instead of transpiling at start-up makes start-up faster and the process smaller.
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@app/'))

await build({
  entryPoints: ['src/server.ts'],
  outfile: 'dist/server.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: external.flatMap((name) => [name, `${name}/*`]),
  logLevel: 'warning',
})
console.log('server built: dist/server.mjs')
