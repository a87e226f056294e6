// Prints what the built index.html makes the browser load before the first screen (scripts,
// stylesheets, modulepreloads), gzipped, and fails above the budget. Lazy route chunks don't count.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

export const BUDGET_KB = 100
/**
 * The staff console's first load (dist/staff/: the sign-in page with Vue, the router and Element
 * Plus's frame, form and dialog parts). Desktop browsers on an office line, but the console is
 * opened many times a day: 180 kB gzip (today about 130) keeps the first screen near a second on 2 Mbit/s.
 */
export const STAFF_BUDGET_KB = 180

const h5Dir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// `--staff` measures the console (vite.staff.config.ts) instead of the learner entry.
const staff = process.argv.includes('--staff')
const distDir = staff ? join(h5Dir, 'dist', 'staff') : join(h5Dir, 'dist')
const budgetKb = staff ? STAFF_BUDGET_KB : BUDGET_KB
const label = staff ? 'staff console first load' : 'entry weight'

/** URLs of <script src>, <link rel="stylesheet"> and <link rel="modulepreload"> in the page. */
export function entryAssets(html) {
  const urls = new Set()
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = /\ssrc\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1]
    if (src) urls.add(src)
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = /\srel\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1]?.toLowerCase().split(/\s+/) ?? []
    const href = /\shref\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1]
    if (href && (rel.includes('stylesheet') || rel.includes('modulepreload'))) urls.add(href)
  }
  return [...urls]
}

function main() {
  const indexPath = join(distDir, 'index.html')
  if (!existsSync(indexPath)) {
    console.error(`entry weight: ${indexPath} not found; run vite build first`)
    process.exit(1)
  }
  const html = readFileSync(indexPath, 'utf8')
  // Inline scripts and styles are part of the HTML document itself.
  let total = gzipSync(html).length
  const rows = [['index.html', html.length, total]]

  for (const url of entryAssets(html)) {
    if (/^(https?:)?\/\//i.test(url)) {
      console.error(`entry weight: ${url} is loaded from another host; the entry must be self-contained`)
      process.exit(1)
    }
    // Asset URLs carry the Vite base path (/ or e.g. /h5/); dist holds them under assets/.
    const relative = url.replace(/^\.?\//, '').replace(/^.*?(?=assets\/)/, '')
    const file = join(distDir, relative)
    if (!existsSync(file)) {
      console.error(`entry weight: ${url} is referenced by index.html but ${file} does not exist`)
      process.exit(1)
    }
    const raw = readFileSync(file)
    const gzipped = gzipSync(raw).length
    total += gzipped
    rows.push([relative, raw.length, gzipped])
  }

  const kB = (bytes) => (bytes / 1000).toFixed(1)
  for (const [name, raw, gz] of rows) console.log(`  ${name.padEnd(48)} ${kB(raw).padStart(7)} kB  ${kB(gz).padStart(6)} kB gzip`)
  console.log(`${label}: ${kB(total)} kB gzip (budget ${budgetKb} kB)`)
  if (total > budgetKb * 1000) {
    console.error(`${label} is over budget by ${kB(total - budgetKb * 1000)} kB`)
    process.exit(1)
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
