import fs from 'node:fs'
import path from 'node:path'
import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import type { TLocalizedValidationError } from 'typebox/error'
import { Mp4Error, probeMp4 } from './mp4.parser.ts'

/**
 * The content manifest (OPS-1): one JSON file describing categories, projects, courses, chapters
 * and question banks, with media beside it. Codes are the stable keys re-imports match on; the
 * media mapping is documented at the top of catalogue-import.service.ts.
 */

const CODE_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$'
const Code = Type.String({ pattern: CODE_PATTERN })
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength })
/** An https URL or a path relative to the manifest's folder (checked after the schema). */
const Media = Type.String({ minLength: 1, maxLength: 2000 })
/** 学时, stored as numeric(6,1): positive, one decimal place at most (checked after the schema). */
const Hours = Type.Number({ exclusiveMinimum: 0, maximum: 9999 })
const strict = { additionalProperties: false } as const

export const ManifestQuestionSchema = Type.Object(
  {
    code: Code,
    prompt: Text(500),
    options: Type.Array(Text(200), { minItems: 2, maxItems: 6 }),
    answerIndex: Type.Integer({ minimum: 0 }),
  },
  strict,
)

export const ManifestChapterSchema = Type.Object(
  { code: Code, title: Text(200), video: Media, durationSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }) },
  strict,
)

export const ManifestCourseSchema = Type.Object(
  {
    code: Code,
    title: Text(200),
    lecturer: Type.String({ maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    hours: Hours,
    cover: Media,
    chapters: Type.Array(ManifestChapterSchema, { minItems: 1 }),
    questions: Type.Array(ManifestQuestionSchema),
  },
  strict,
)

export const ManifestProjectSchema = Type.Object(
  {
    code: Code,
    categoryCode: Code,
    title: Text(200),
    year: Type.Integer({ minimum: 2000, maximum: 2100 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    priceFen: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
    requiredHours: Hours,
    cover: Type.Optional(Media),
    courses: Type.Array(ManifestCourseSchema, { minItems: 1 }),
  },
  strict,
)

export const ManifestCategorySchema = Type.Object({ code: Code, name: Text(100), sort: Type.Integer() }, strict)

export const ManifestSchema = Type.Object(
  {
    /** Lets editors point at a JSON Schema for completion; ignored by the importer. */
    $schema: Type.Optional(Type.String()),
    categories: Type.Array(ManifestCategorySchema),
    projects: Type.Array(ManifestProjectSchema),
  },
  strict,
)
export type Manifest = Static<typeof ManifestSchema>

/** A refused manifest; every issue names its JSON path, e.g. `projects[0].courses[3].hours`. */
export class ManifestError extends Error {
  override name = 'ManifestError'
  constructor(readonly issues: string[]) {
    const shown = issues.slice(0, 5).join('; ')
    super(issues.length > 5 ? `${shown}; and ${issues.length - 5} more problems` : shown)
  }
}

const validator = Compile(ManifestSchema)

/** Parses and fully validates a manifest file (shape, codes, answers, hours, media on disk). */
export async function readManifest(manifestPath: string): Promise<Manifest> {
  let text: string
  try {
    text = fs.readFileSync(manifestPath, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ManifestError([`cannot read ${manifestPath}${code ? ` (${code})` : ''}`])
  }
  return parseManifest(text, path.dirname(manifestPath), path.basename(manifestPath))
}

/**
 * Parses and fully validates a manifest's text; relative media are looked up under `mediaBaseDir`
 * (the manifest's folder, or the server's content folder for a manifest uploaded in the console).
 */
export async function parseManifest(text: string, mediaBaseDir: string, fileName: string): Promise<Manifest> {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new ManifestError([`${fileName} is not valid JSON: ${(error as Error).message}`])
  }
  if (!validator.Check(raw)) throw new ManifestError(schemaIssues(validator.Errors(raw)))
  const manifest: Manifest = raw
  const issues = [...ruleIssues(manifest), ...(await mediaIssues(manifest, mediaBaseDir))]
  if (issues.length > 0) throw new ManifestError(issues)
  return manifest
}

/** `/projects/0/courses/3` → `projects[0].courses[3]`. */
export function jsonPath(pointer: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
  const out = parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')
  return out === '' ? 'manifest' : out
}

function schemaIssues(errors: TLocalizedValidationError[]): string[] {
  const issues = new Set<string>()
  for (const error of errors) {
    const at = jsonPath(error.instancePath)
    const p = error.params as Record<string, unknown>
    switch (error.keyword) {
      case 'required':
        for (const name of p['requiredProperties'] as string[]) {
          issues.add(`${at === 'manifest' ? name : `${at}.${name}`} is required`)
        }
        break
      case 'boolean': // additionalProperties: false reports each unknown property this way
        issues.add(`${at} is not a known field`)
        break
      case 'additionalProperties':
        break
      case 'type':
        issues.add(`${at} must be ${article(String(p['type']))}`)
        break
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const sign = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[error.keyword]
        issues.add(`${at} must be ${sign} ${String(p['limit'])}`)
        break
      }
      case 'minLength':
        issues.add(p['limit'] === 1 ? `${at} must not be empty` : `${at} must have at least ${String(p['limit'])} characters`)
        break
      case 'maxLength':
        issues.add(`${at} must have at most ${String(p['limit'])} characters`)
        break
      case 'minItems':
        issues.add(`${at} must have at least ${String(p['limit'])} items`)
        break
      case 'maxItems':
        issues.add(`${at} must have at most ${String(p['limit'])} items`)
        break
      case 'pattern':
        issues.add(
          p['pattern'] === CODE_PATTERN
            ? `${at} must be a code of lower-case letters, digits, "-" or "_" (at most 64 characters)`
            : `${at} ${error.message}`,
        )
        break
      default:
        issues.add(`${at} ${error.message}`)
    }
  }
  return [...issues]
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

/** Rules JSON Schema cannot say: unique codes, answers in range, hours adding up. */
function ruleIssues(m: Manifest): string[] {
  const issues: string[] = []
  const unique = (items: { code: string }[], at: string): void => {
    const seen = new Map<string, number>()
    items.forEach((item, i) => {
      const first = seen.get(item.code)
      if (first === undefined) seen.set(item.code, i)
      else issues.push(`${at}[${i}].code "${item.code}" duplicates ${at}[${first}].code`)
    })
  }
  const oneDecimal = (value: number, at: string): void => {
    if (Math.abs(value * 10 - Math.round(value * 10)) > 1e-9) issues.push(`${at} must have at most one decimal place`)
  }
  unique(m.categories, 'categories')
  unique(m.projects, 'projects')
  m.projects.forEach((project, p) => {
    const pAt = `projects[${p}]`
    oneDecimal(project.requiredHours, `${pAt}.requiredHours`)
    unique(project.courses, `${pAt}.courses`)
    let hours = 0
    project.courses.forEach((course, c) => {
      const cAt = `${pAt}.courses[${c}]`
      oneDecimal(course.hours, `${cAt}.hours`)
      hours += Math.round(course.hours * 10)
      unique(course.chapters, `${cAt}.chapters`)
      unique(course.questions, `${cAt}.questions`)
      course.questions.forEach((q, i) => {
        const qAt = `${cAt}.questions[${i}]`
        if (q.answerIndex >= q.options.length) {
          issues.push(`${qAt}.answerIndex must be < ${q.options.length} (the number of options)`)
        }
        if (new Set(q.options.map((o) => o.trim())).size !== q.options.length) issues.push(`${qAt}.options must be distinct`)
      })
    })
    // Sum in tenths so 0.1 steps add up exactly.
    if (hours < Math.round(project.requiredHours * 10)) {
      issues.push(`${pAt}.courses hours add up to ${hours / 10}, less than ${pAt}.requiredHours (${project.requiredHours})`)
    }
  })
  return issues
}

const COVER_EXTENSIONS = new Set(['.svg', '.png', '.jpg', '.jpeg', '.webp', '.gif'])

/** Checks every relative media path resolves to a served file, and local videos are what they claim. */
async function mediaIssues(m: Manifest, baseDir: string): Promise<string[]> {
  const issues: string[] = []
  const probes = new Map<string, ReturnType<typeof probeMp4>>()
  const check = (value: string, at: string, kind: 'cover' | 'video'): string | null => {
    const problem = mediaPathProblem(value)
    if (problem !== null) {
      issues.push(`${at} ${problem}`)
      return null
    }
    if (isHttpsUrl(value)) return null
    const ext = path.extname(value).toLowerCase()
    if (kind === 'cover' ? !COVER_EXTENSIONS.has(ext) : ext !== '.mp4') {
      issues.push(`${at} must be ${kind === 'cover' ? 'an image (.svg, .png, .jpg, .webp, .gif)' : 'an .mp4 file'}`)
      return null
    }
    const file = path.join(baseDir, ...value.split('/'))
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
      issues.push(`${at} refers to a missing file: ${value}`)
      return null
    }
    return file
  }
  // Probes run concurrently (one per distinct file); their issues are reported in manifest order.
  const videoChecks: Promise<string | null>[] = []
  m.projects.forEach((project, p) => {
    if (project.cover !== undefined) check(project.cover, `projects[${p}].cover`, 'cover')
    project.courses.forEach((course, c) => {
      const cAt = `projects[${p}].courses[${c}]`
      check(course.cover, `${cAt}.cover`, 'cover')
      course.chapters.forEach((chapter, h) => {
        const at = `${cAt}.chapters[${h}]`
        const file = check(chapter.video, `${at}.video`, 'video')
        if (file === null) return
        let probe = probes.get(file)
        if (probe === undefined) {
          probe = probeMp4(file)
          probes.set(file, probe)
        }
        videoChecks.push(
          probe.then(
            (info) => {
              const problem = videoProblem(info, chapter.durationSeconds)
              return problem === null ? null : `${at}${problem}`
            },
            (error: unknown) => {
              const reason = error instanceof Mp4Error ? error.message : String(error)
              return `${at}.video ${chapter.video} is not a readable MP4 (${reason})`
            },
          ),
        )
      })
    })
  })
  for (const issue of await Promise.all(videoChecks)) if (issue !== null) issues.push(issue)
  return issues
}

/**
 * The learning module credits a chapter only when its whole duration has been watched (LRN-4), so a
 * wrong durationSeconds would make a chapter impossible, or too easy, to complete.
 */
function videoProblem(info: Awaited<ReturnType<typeof probeMp4>>, durationSeconds: number): string | null {
  if (!info.sampleEntries.includes('avc1')) {
    return `.video has no H.264 (avc1) track (found ${info.sampleEntries.join(', ') || 'none'}); WeChat plays H.264 MP4`
  }
  if (!info.moovBeforeMdat) return '.video is not "faststart" (moov after mdat); re-mux with ffmpeg -movflags +faststart'
  if (Math.abs(info.durationSeconds - durationSeconds) > 1) {
    return `.durationSeconds is ${durationSeconds} but the video lasts ${info.durationSeconds.toFixed(1)} s`
  }
  return null
}

export function isHttpsUrl(value: string): boolean {
  return value.startsWith('https://')
}

/** Why a media value is unusable, or null. Relative paths must stay inside the served media/ folder. */
function mediaPathProblem(value: string): string | null {
  if (isHttpsUrl(value)) {
    try {
      new URL(value)
      return null
    } catch {
      return 'is not a valid https URL'
    }
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return 'must be an https:// URL or a path relative to the manifest'
  const parts = value.split('/')
  if (value.includes('\\') || parts.some((s) => s === '' || s === '.' || s === '..')) {
    return `must be a plain relative path with "/" separators (got "${value}")`
  }
  if (parts[0] !== 'media' || parts.length < 2) return `must be under the manifest's media/ folder (got "${value}")`
  return null
}

/** The URL stored for a media value: https URLs as given, `media/a b.mp4` → `/media/a%20b.mp4`. */
export function mediaUrl(value: string): string {
  if (isHttpsUrl(value)) return value
  return `/${value.split('/').map(encodeURIComponent).join('/')}`
}
