// Regenerates the demo cover images named in ../manifest.json (one SVG per project and course):
//   node server/seed/demo/tools/make-covers.mjs
// SVG keeps each cover around 1 kB and renders crisply in WeChat's <img> on iOS and Android.
// Text uses the phone's system CJK font (an <img> SVG cannot load web fonts), so the family list
// names the usual ones. Colours come from a hash of the code so a cover keeps its look across runs.
import fs from 'node:fs'
import path from 'node:path'

const demoDir = path.resolve(import.meta.dirname, '..')
const manifest = JSON.parse(fs.readFileSync(path.join(demoDir, 'manifest.json'), 'utf8'))
const categoryNames = new Map(manifest.categories.map((c) => [c.code, c.name]))

const PALETTE = [
  ['#1d4e89', '#2f80c8'], ['#2f6b3a', '#4f9d5d'], ['#5b3a8c', '#8a63c4'], ['#7a2e2e', '#b8544a'],
  ['#0f5e63', '#2a9aa0'], ['#8a5a12', '#c98d2c'], ['#2b3a67', '#4f6db3'], ['#6b2d5c', '#a3528f'],
]
const FONT = "'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',sans-serif"

const escapeXml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function hash(s) {
  let h = 0
  for (const ch of s) h = (h * 31 + ch.codePointAt(0)) >>> 0
  return h
}

const words = new Intl.Segmenter('zh-CN', { granularity: 'word' })

/** Greedy wrap of whole words (a word longer than `max` is cut) into lines of at most `max` characters. */
function wrapWords(segments, max) {
  const lines = []
  let line = ''
  for (const segment of segments) {
    for (let piece = segment; piece.length > 0; piece = piece.slice(max)) {
      const part = piece.slice(0, max)
      if (line.length + part.length > max && line !== '') {
        lines.push(line)
        line = ''
      }
      line += part
    }
  }
  if (line !== '') lines.push(line)
  return lines
}

/**
 * Splits a title into at most three lines of `width` characters at word boundaries (「专技人员」 stays
 * whole), before full-width brackets, with lines as even as the words allow: no lone last character.
 */
function wrap(text, width) {
  const segments = []
  for (const { segment } of words.segment(text)) {
    if (segment.startsWith('（') || segments.length === 0) segments.push(segment)
    else if (/^[\p{P}]+$/u.test(segment)) segments[segments.length - 1] += segment
    else segments.push(segment)
  }
  const fewest = wrapWords(segments, width).length
  for (let max = Math.ceil(text.length / fewest); max < width; max++) {
    const lines = wrapWords(segments, max)
    if (lines.length === fewest) return lines.slice(0, 3)
  }
  return wrapWords(segments, width).slice(0, 3)
}

function svg({ code, badge, title, footer, corner }) {
  const [dark, light] = PALETTE[hash(code) % PALETTE.length]
  const lines = wrap(title, 11)
  const top = 92 - (lines.length - 1) * 16
  const text = lines
    .map((l, i) => `<text x="24" y="${top + i * 32}" font-size="24" font-weight="bold" fill="#fff">${escapeXml(l)}</text>`)
    .join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180" viewBox="0 0 320 180" font-family="${FONT}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${dark}"/><stop offset="1" stop-color="${light}"/></linearGradient></defs>
<rect width="320" height="180" fill="url(#g)"/>
<circle cx="292" cy="24" r="70" fill="#fff" fill-opacity="0.08"/><circle cx="300" cy="170" r="46" fill="#fff" fill-opacity="0.06"/>
<rect x="24" y="18" width="${badge.length * 12 + 16}" height="22" rx="11" fill="#fff" fill-opacity="0.22"/>
<text x="32" y="34" font-size="12" fill="#fff">${escapeXml(badge)}</text>
${corner ? `<text x="296" y="34" font-size="13" fill="#fff" text-anchor="end">${escapeXml(corner)}</text>` : ''}
${text}
<text x="24" y="162" font-size="12" fill="#fff" fill-opacity="0.85">${escapeXml(footer)}</text>
</svg>
`
}

function write(rel, content) {
  const file = path.join(demoDir, rel)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, content)
}

for (const project of manifest.projects) {
  const badge = categoryNames.get(project.categoryCode) ?? ''
  if (project.cover && !/^https:/.test(project.cover)) {
    write(project.cover, svg({ code: project.code, badge, title: project.title, footer: '演示内容 · 样例封面', corner: `${project.requiredHours}学时` }))
  }
  for (const course of project.courses) {
    if (/^https:/.test(course.cover)) continue
    write(course.cover, svg({ code: course.code, badge, title: course.title, footer: `主讲：${course.lecturer}`, corner: `${course.hours}学时` }))
  }
}
