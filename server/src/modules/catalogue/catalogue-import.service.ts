/**
 * Imports a content manifest (OPS-1) into the catalogue tables; see catalogue-manifest.parser.ts for the
 * format and scripts/src/commands/import-content.ts for the operator CLI.
 *
 * Media mapping. A `cover` or `video` value is either
 *  - an absolute `https://` URL (somebody else's host): stored unchanged and given to the page as it
 *    is, unsigned, so not protected against sharing; or
 *  - a path relative to the manifest's folder, which must lie inside its `media/` subfolder, use
 *    "/" separators and contain no "." or ".." segments: stored as the site-absolute URL "/" + the
 *    path, each segment percent-encoded. So `media/videos/a.mp4` → `/media/videos/a.mp4`. The path
 *    is the object's name for the configured media provider, which hands videos to the page as
 *    signed links that expire (integrations/media; docs/deployment.md §5): the built-in server
 *    serves `<manifest folder>/media/` at `/media/` with range support, a bucket or CDN holds the
 *    same paths. The file must exist; an .mp4 must hold an H.264 track, have its moov box first
 *    ("faststart") and last durationSeconds ± 1 s.
 * With the built-in server, relative media therefore only work for the manifest in the server's
 * SEED_DIR; with a bucket or CDN, upload the manifest's media/ folder there.
 *
 * Keys. categories.code, projects.code, (project, course code), (course, chapter code) and
 * (course, question code). Rows are created or updated in place, never deleted: progress, orders
 * and answers may point at them. Rows under an imported project or course that the manifest no
 * longer lists are counted as `notInManifest` so the operator can deal with them deliberately.
 *
 * Everything is validated before the database is touched, and all writes happen in one
 * transaction, so a bad manifest writes nothing and a re-import of the same file changes nothing.
 */
import type { AppDb } from '../../db/client.ts'
import type { categories, chapters, courses, projects, questions } from '../../db/schema/catalogue.ts'
import {
  findCategoriesByCode,
  findChaptersOfCourses,
  findCoursesOfProjects,
  findProjectsByCode,
  findQuestionsOfCourses,
  upsertCategoryRows,
  upsertChapterRows,
  upsertCourseRows,
  upsertProjectRows,
  upsertQuestionRows,
} from './catalogue-import.repository.ts'
import { ManifestError, mediaUrl, parseManifest, readManifest, type Manifest } from './catalogue-manifest.parser.ts'

export { hasCatalogue } from './catalogue-import.repository.ts'

export interface ImportCounts {
  created: number
  updated: number
  unchanged: number
  /** Existing rows under an imported parent that the manifest does not list (kept as they are). */
  notInManifest: number
}

export interface ImportReport {
  categories: ImportCounts
  projects: ImportCounts
  courses: ImportCounts
  chapters: ImportCounts
  questions: ImportCounts
}

/** Validates the manifest at `manifestPath` and upserts its content in one transaction. */
export async function importCatalogue(db: AppDb, manifestPath: string): Promise<ImportReport> {
  const manifest = await readManifest(manifestPath)
  return db.transaction((tx) => upsertManifest(tx, manifest))
}

/**
 * The same import for a manifest uploaded in the console: its text, relative media looked up under
 * `mediaBaseDir`; `alsoInTransaction` runs in the import's transaction (the staff audit record), so
 * the content and its record commit or roll back together.
 */
export async function importCatalogueText(
  db: AppDb,
  source: { text: string; mediaBaseDir: string; fileName: string },
  alsoInTransaction: (tx: AppDb, report: ImportReport) => Promise<void>,
): Promise<ImportReport> {
  const manifest = await parseManifest(source.text, source.mediaBaseDir, source.fileName)
  return db.transaction(async (tx) => {
    const report = await upsertManifest(tx, manifest)
    await alsoInTransaction(tx, report)
    return report
  })
}

type CategoryRow = typeof categories.$inferInsert
type ProjectRow = Omit<typeof projects.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'published'>
type CourseRow = Omit<typeof courses.$inferInsert, 'id'>
type ChapterRow = Omit<typeof chapters.$inferInsert, 'id'>
type QuestionRow = Omit<typeof questions.$inferInsert, 'id'>

async function upsertManifest(db: AppDb, m: Manifest): Promise<ImportReport> {
  const categoryIds = await upsertCategories(db, m)
  const projectIds = await upsertProjects(db, m, categoryIds)
  const courseIds = await upsertCourses(db, m, projectIds)
  return {
    categories: categoryIds.counts,
    projects: projectIds.counts,
    courses: courseIds.counts,
    chapters: await upsertChapters(db, m, courseIds),
    questions: await upsertQuestions(db, m, courseIds),
  }
}

interface Upserted {
  /** id by code; for courses by courseKey(project code, course code). */
  ids: Map<string, number>
  counts: ImportCounts
}

async function upsertCategories(db: AppDb, m: Manifest): Promise<Upserted> {
  const wanted: CategoryRow[] = m.categories.map((c) => ({ code: c.code, name: c.name, sort: c.sort }))
  // Projects may also name a category that an earlier import created.
  const codes = [...new Set([...wanted.map((c) => c.code), ...m.projects.map((p) => p.categoryCode)])]
  const existing = codes.length === 0 ? [] : await findCategoriesByCode(db, codes)
  const plan = diff(wanted, existing, (r) => r.code, ['name', 'sort'])
  const written = await writeRows(plan.write, (rows) =>
    upsertCategoryRows(db, rows, ['name', 'sort']),
  )
  const ids = new Map([...existing, ...written].map((r) => [r.code, r.id]))
  const unknown = m.projects.flatMap((p, i) =>
    ids.has(p.categoryCode) ? [] : [`projects[${i}].categoryCode "${p.categoryCode}" is neither in categories nor in the database`],
  )
  // Thrown inside the transaction, so the categories written above are rolled back too.
  if (unknown.length > 0) throw new ManifestError(unknown)
  return { ids, counts: { ...plan.counts, notInManifest: 0 } }
}

async function upsertProjects(db: AppDb, m: Manifest, categoryIds: Upserted): Promise<Upserted> {
  const wanted: ProjectRow[] = m.projects.map((p, i) => ({
    code: p.code,
    categoryId: categoryIds.ids.get(p.categoryCode) as number,
    title: p.title,
    year: p.year,
    description: p.description ?? '',
    priceFen: p.priceFen,
    requiredHours: p.requiredHours,
    coverUrl: p.cover === undefined ? null : mediaUrl(p.cover),
    sort: i,
  }))
  const fields = ['categoryId', 'title', 'year', 'description', 'priceFen', 'requiredHours', 'coverUrl', 'sort'] as const
  const codes = wanted.map((p) => p.code)
  const existing = codes.length === 0 ? [] : await findProjectsByCode(db, codes)
  const plan = diff(wanted, existing, (r) => r.code, fields)
  const written = await writeRows(plan.write, (rows) =>
    upsertProjectRows(db, rows, fields),
  )
  const ids = new Map([...existing, ...written].map((r) => [r.code, r.id]))
  return { ids, counts: { ...plan.counts, notInManifest: 0 } }
}

async function upsertCourses(db: AppDb, m: Manifest, projectIds: Upserted): Promise<Upserted> {
  const wanted: CourseRow[] = m.projects.flatMap((p) =>
    p.courses.map((c, i) => ({
      projectId: projectIds.ids.get(p.code) as number,
      code: c.code,
      title: c.title,
      lecturer: c.lecturer,
      description: c.description ?? '',
      hours: c.hours,
      coverUrl: mediaUrl(c.cover),
      sort: i,
    })),
  )
  const fields = ['title', 'lecturer', 'description', 'hours', 'coverUrl', 'sort'] as const
  const parents = [...projectIds.ids.values()]
  const existing = parents.length === 0 ? [] : await findCoursesOfProjects(db, parents)
  const key = (r: { projectId: number; code: string }) => `${r.projectId}/${r.code}`
  const plan = diff(wanted, existing, key, fields)
  const written = await writeRows(plan.write, (rows) =>
    upsertCourseRows(db, rows, fields),
  )
  const byDbKey = new Map([...existing, ...written].map((r) => [key(r), r.id]))
  // Re-keyed by project code, so chapters and questions find their course from the manifest alone.
  const ids = new Map(
    m.projects.flatMap((p) =>
      p.courses.map((c) => {
        const id = byDbKey.get(key({ projectId: projectIds.ids.get(p.code) as number, code: c.code })) as number
        return [courseKey(p.code, c.code), id] as const
      }),
    ),
  )
  return { ids, counts: plan.counts }
}

async function upsertChapters(db: AppDb, m: Manifest, courseIds: Upserted): Promise<ImportCounts> {
  const wanted: ChapterRow[] = eachCourse(m, courseIds, (courseId, c) =>
    c.chapters.map((ch, i) => ({
      courseId,
      code: ch.code,
      title: ch.title,
      videoUrl: mediaUrl(ch.video),
      durationSeconds: ch.durationSeconds,
      sort: i,
    })),
  )
  const fields = ['title', 'videoUrl', 'durationSeconds', 'sort'] as const
  const parents = [...courseIds.ids.values()]
  const existing = parents.length === 0 ? [] : await findChaptersOfCourses(db, parents)
  const plan = diff(wanted, existing, byCourse, fields)
  await writeRows(plan.write, (rows) =>
    upsertChapterRows(db, rows, fields),
  )
  return plan.counts
}

async function upsertQuestions(db: AppDb, m: Manifest, courseIds: Upserted): Promise<ImportCounts> {
  const wanted: QuestionRow[] = eachCourse(m, courseIds, (courseId, c) =>
    c.questions.map((q) => ({ courseId, code: q.code, prompt: q.prompt, options: q.options, answerIndex: q.answerIndex })),
  )
  const fields = ['prompt', 'options', 'answerIndex'] as const
  const parents = [...courseIds.ids.values()]
  const existing = parents.length === 0 ? [] : await findQuestionsOfCourses(db, parents)
  const plan = diff(wanted, existing, byCourse, fields)
  await writeRows(plan.write, (rows) =>
    upsertQuestionRows(db, rows, fields),
  )
  return plan.counts
}

type ManifestCourse = Manifest['projects'][number]['courses'][number]

function eachCourse<T>(m: Manifest, courseIds: Upserted, rows: (courseId: number, course: ManifestCourse) => T[]): T[] {
  return m.projects.flatMap((p) =>
    p.courses.flatMap((c) => rows(courseIds.ids.get(courseKey(p.code, c.code)) as number, c)),
  )
}

const courseKey = (projectCode: string, courseCode: string) => `${projectCode}/${courseCode}`
const byCourse = (r: { courseId: number; code: string }) => `${r.courseId}/${r.code}`

interface Plan<T> {
  /** Rows that are new or differ from the database; the one upsert statement sends only these. */
  write: T[]
  counts: ImportCounts
}

/** Compares wanted rows with existing ones by key on the given fields. */
function diff<T extends object, E extends object, F extends keyof T & keyof E>(
  wanted: T[],
  existing: E[],
  key: (row: T | E) => string,
  fields: readonly F[],
): Plan<T> {
  const current = new Map(existing.map((row) => [key(row), row]))
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0, notInManifest: 0 }
  const write: T[] = []
  const wantedKeys = new Set<string>()
  for (const row of wanted) {
    const k = key(row)
    wantedKeys.add(k)
    const before = current.get(k)
    if (before === undefined) {
      counts.created++
      write.push(row)
    } else if (fields.every((f) => same(row[f], before[f]))) {
      counts.unchanged++
    } else {
      counts.updated++
      write.push(row)
    }
  }
  counts.notInManifest = [...current.keys()].filter((k) => !wantedKeys.has(k)).length
  return { write, counts }
}

function same(a: unknown, b: unknown): boolean {
  // jsonb options come back as fresh arrays; numeric(6,1) hours come back as numbers.
  return typeof a === 'object' && a !== null ? JSON.stringify(a) === JSON.stringify(b) : a === b
}

// Bounds each statement's bind parameters (PostgreSQL allows 65535) for very large manifests.
const BATCH_ROWS = 500

async function writeRows<T, R>(rows: T[], write: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < rows.length; i += BATCH_ROWS) out.push(...(await write(rows.slice(i, i + BATCH_ROWS))))
  return out
}
