#!/usr/bin/env node
// Fails when the drizzle schema changed without a generated migration: runs `drizzle-kit check`,
// then `drizzle-kit generate`; any new file means a migration is missing (it is removed again).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const serverDir = path.resolve(import.meta.dirname, '../server')
const drizzleDir = path.join(serverDir, 'drizzle')
const kit = path.join(serverDir, 'node_modules/.bin/drizzle-kit')

function listFiles(dir) {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { recursive: true }).map(String).sort()
}
function snapshot() {
  return new Map(listFiles(drizzleDir).map((f) => {
    const full = path.join(drizzleDir, f)
    return [f, fs.statSync(full).isFile() ? fs.readFileSync(full, 'utf8') : '']
  }))
}

const check = spawnSync(kit, ['check'], { cwd: serverDir, encoding: 'utf8' })
if (check.status !== 0) {
  process.stderr.write(check.stdout + check.stderr)
  console.error('✗ drizzle-kit check found inconsistent migrations')
  process.exit(1)
}
const before = snapshot()
const generate = spawnSync(kit, ['generate', '--name', 'uncommitted_check'], { cwd: serverDir, encoding: 'utf8' })
if (generate.status !== 0) {
  process.stderr.write(generate.stdout + generate.stderr)
  process.exit(1)
}
const after = snapshot()
const changed = [...after.keys()].filter((f) => before.get(f) !== after.get(f))
if (changed.length > 0) {
  // Restore the folder exactly as it was, then fail.
  for (const f of changed) {
    const full = path.join(drizzleDir, f)
    if (before.has(f)) fs.writeFileSync(full, before.get(f))
    else if (fs.statSync(full).isFile()) fs.rmSync(full)
  }
  console.error(`✗ the schema changed without a migration: run \`pnpm db:generate\` and commit server/drizzle (${changed.join(', ')})`)
  process.exit(1)
}
console.log('✓ migrations match the schema')
