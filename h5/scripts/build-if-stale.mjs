// Builds the H5 (the learner app and the staff console) only when its inputs changed since the last build: hashes h5/src, index.html, the
// Vite/PostCSS/build config, package.json, .env files and shared/src, and compares the hash with the
// stamp the last successful build left in dist/. `pnpm app` runs this on every start.
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const h5Dir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const repoDir = resolve(h5Dir, '..')
const distDir = join(h5Dir, 'dist')
const stampFile = join(distDir, '.build-stamp')

const INPUTS = [
  'h5/src',
  'h5/src-staff',
  'h5/staff.html',
  'h5/vite.staff.config.ts',
  'h5/public',
  'h5/build',
  'h5/index.html',
  'h5/vite.config.ts',
  'h5/postcss.config.js',
  'h5/postcss.config.ts',
  'h5/package.json',
  'h5/tsconfig.json',
  'shared/src',
  'shared/package.json',
]

function listFiles(path) {
  if (!existsSync(path)) return []
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
    const child = join(path, entry.name)
    return entry.isDirectory() ? listFiles(child) : [child]
  })
}

function envFiles() {
  return readdirSync(h5Dir)
    .filter((name) => name === '.env' || name.startsWith('.env.'))
    .map((name) => join(h5Dir, name))
}

/** One hash over every input's path and content, in a stable order. */
export function inputsHash() {
  const files = [...INPUTS.flatMap((input) => listFiles(join(repoDir, input))), ...envFiles()]
    // Unit tests and the generated component typings don't change the bundle.
    .filter((file) => !/\.test\.ts$/.test(file) && !file.endsWith('components.d.ts'))
    .map((file) => relative(repoDir, file).split('\\').join('/'))
    .sort()
  const hash = createHash('sha256')
  for (const file of files) {
    hash.update(`${file}\0`)
    hash.update(readFileSync(join(repoDir, file)))
    hash.update('\0')
  }
  return hash.digest('hex')
}

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: h5Dir, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

function main() {
  // Hashed before building, so an edit made while the build runs still triggers the next one.
  const hash = inputsHash()
  const previous = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : undefined
  if (existsSync(join(distDir, 'index.html')) && existsSync(join(distDir, 'staff', 'index.html')) && previous === hash) {
    console.log(`h5 build is up to date (${hash.slice(0, 12)}); skipping vite build`)
    return
  }
  console.log(previous ? 'h5 sources changed; building' : 'no h5 build found; building')
  // A build that dies half way must not leave the old stamp beside new files.
  rmSync(stampFile, { force: true })
  const viteBin = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js')
  run([viteBin, 'build'])
  // The staff console (管理后台) after the learner build, which empties dist/.
  run([viteBin, 'build', '-c', 'vite.staff.config.ts'])
  run([join(h5Dir, 'scripts', 'print-entry-weight.mjs')])
  run([join(h5Dir, 'scripts', 'print-entry-weight.mjs'), '--staff'])
  writeFileSync(stampFile, `${hash}\n`)
}

main()
