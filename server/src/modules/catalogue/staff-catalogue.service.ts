import type { StaffContentImport, StaffProjectListQuery, StaffProjectPage } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { recordStaffAction, type StaffPrincipal } from '../staff/staff.public.ts'
import { importCatalogueText } from './catalogue-import.service.ts'
import { ManifestError } from './catalogue-manifest.parser.ts'
import { ContentManifestInvalidError, ProjectNotFoundError } from './catalogue.errors.ts'
import { coursesOfProjects, listProjectsForStaff, setProjectPublished } from './staff-catalogue.repository.ts'

/**
 * 课程与项目 in the staff console (docs/staff.md): every project with its courses, chapters and
 * question counts; 导入课程清单 (the `import-content` import, uploaded); 发布 / 下架.
 */

export async function listStaffProjects(db: AppDb, query: StaffProjectListQuery): Promise<StaffProjectPage> {
  const page = { page: query.page ?? 1, pageSize: query.pageSize ?? 20 }
  const { items, total } = await listProjectsForStaff(db, { emptyBanksOnly: query.emptyBanksOnly === true }, page)
  const { courseRows, chapterRows } = await coursesOfProjects(
    db,
    items.map((p) => p.id),
  )
  return {
    items: items.map((project) => {
      const projectCourses = courseRows
        .filter((c) => c.projectId === project.id)
        .map((c) => ({
          id: c.id,
          code: c.code,
          title: c.title,
          hours: Number(c.hours),
          questionCount: Number(c.questionCount),
          chapters: chapterRows.filter((ch) => ch.courseId === c.id).map(({ courseId: _course, ...ch }) => ch),
        }))
      return {
        ...project,
        requiredHours: Number(project.requiredHours),
        published: project.published === 1,
        chaptersWithoutQuestions: projectCourses.filter((c) => c.questionCount === 0).reduce((sum, c) => sum + c.chapters.length, 0),
        courses: projectCourses,
      }
    }),
    total,
    ...page,
  }
}

/** The issues of a refused manifest, one a line, at most this many (the rest counted). */
const SHOWN_ISSUES = 30

/**
 * 导入课程清单 (admin): the manifest uploaded from the console, imported exactly as
 * `import-content` imports a file (same parser, same upserts, one transaction); relative media are
 * looked up in the server's content folder. Audited in the import's transaction.
 */
export async function importUploadedManifest(
  db: AppDb,
  staff: StaffPrincipal,
  upload: { text: string; fileName: string; mediaBaseDir: string },
  now: Date,
): Promise<StaffContentImport> {
  try {
    return await importCatalogueText(db, upload, async (tx, report) => {
      const detail = Object.fromEntries(Object.entries(report).map(([kind, c]) => [kind, { created: c.created, updated: c.updated }]))
      await recordStaffAction(tx, { staffId: staff.id, action: 'catalogue.import', target: `manifest:${upload.fileName}`, detail }, now)
    })
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error
    const shown = error.issues.slice(0, SHOWN_ISSUES)
    const more = error.issues.length - shown.length
    throw new ContentManifestInvalidError(String(error.issues.length), [...shown, ...(more > 0 ? [`……另有 ${more} 处问题`] : [])].join('\n'))
  }
}

/**
 * 发布 / 下架 (admin). An unpublished project leaves 在线学习中心 and can no longer be bought (alone
 * or by a unit); learners who bought it keep it in 课程培训 and go on studying, and their
 * certificate is issued as before (catalogue rules: only the catalogue and pricing read
 * `published`). Audited in the change's transaction, with the state before it.
 */
export async function publishProject(db: AppDb, staff: StaffPrincipal, projectId: number, published: boolean, reason: string, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await setProjectPublished(tx, projectId, published, now)
    if (!before) throw new ProjectNotFoundError()
    await recordStaffAction(tx, { staffId: staff.id, action: published ? 'project.publish' : 'project.unpublish', target: `project:${projectId}`, detail: { reason, wasPublished: before.wasPublished } }, now)
  })
}
