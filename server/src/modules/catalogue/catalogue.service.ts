import { ProjectState, YEARLY_HOURS_RULE, type Catalogue, type ProjectDetail, type ProjectSummary } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { ProjectNotFoundError } from './catalogue.errors.ts'
import { listCategories, listProjectCourses, listPublishedProjects, type ProjectRow } from './catalogue.repository.ts'

/**
 * Tells the learner's state for each project. Until accounts and orders exist every project is
 * 未购买; the orders module supplies the real lookup.
 */
export type ProjectStateLookup = (projectIds: number[]) => Promise<Map<number, ProjectState>>
const noLearner: ProjectStateLookup = async () => new Map()

function toSummary(row: ProjectRow, states: Map<number, ProjectState>): ProjectSummary {
  return {
    id: row.id,
    title: row.title,
    year: row.year,
    categoryCode: row.categoryCode,
    priceFen: row.priceFen,
    requiredHours: row.requiredHours,
    courseCount: row.courseCount,
    totalHours: row.totalHours,
    coverUrl: row.coverUrl,
    state: states.get(row.id) ?? ProjectState.NOT_PURCHASED,
  }
}

/** 在线学习中心: categories with their published projects (CAT-1). */
export async function getCatalogue(db: AppDb, lookupStates: ProjectStateLookup = noLearner): Promise<Catalogue> {
  const [cats, rows] = await Promise.all([listCategories(db), listPublishedProjects(db)])
  const states = await lookupStates(rows.map((r) => r.id))
  return {
    categories: cats.map((c) => ({
      ...c,
      projects: rows.filter((r) => r.categoryId === c.id).map((r) => toSummary(r, states)),
    })),
    yearlyRule: { ...YEARLY_HOURS_RULE },
  }
}

/** Project detail with its courses (CAT-2). */
export async function getProjectDetail(
  db: AppDb,
  projectId: number,
  lookupStates: ProjectStateLookup = noLearner,
): Promise<ProjectDetail> {
  const [row] = await listPublishedProjects(db, projectId)
  if (!row) throw new ProjectNotFoundError()
  const [courses, states] = await Promise.all([listProjectCourses(db, projectId), lookupStates([projectId])])
  return { project: toSummary(row, states), categoryName: row.categoryName, description: row.description, courses }
}
