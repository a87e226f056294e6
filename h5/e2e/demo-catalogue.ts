import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Catalogue, ProjectSummary } from '@app/shared/catalogue'

/** The public-subjects plan of the demo content every journey's server is seeded with. */
export const PUBLIC_PROJECT_TITLE = '重庆市2025年专技人员继续教育公需科目培训'

export interface DemoProjects {
  publicProject: ProjectSummary
  /** The first plan of 「专业科目」: a second plan to buy, with more 学时 required. */
  professionalProject: ProjectSummary
}

/** The two plans of the demo catalogue the journeys buy and study. */
export function demoProjects(catalogue: Catalogue): DemoProjects {
  const publicProject = catalogue.categories.flatMap((c) => c.projects).find((p) => p.title === PUBLIC_PROJECT_TITLE)
  const professionalProject = catalogue.categories.find((c) => c.code === 'professional')?.projects[0]
  if (!publicProject || !professionalProject) throw new Error('demo catalogue without the public-subjects plan and a professional one')
  return { publicProject, professionalProject }
}

/** demoProjects of the catalogue the server at origin lists. */
export async function fetchDemoProjects(origin: string): Promise<DemoProjects> {
  const response = await fetch(`${origin}/api/catalogue`)
  if (response.status !== 200) throw new Error(`catalogue answered ${response.status}`)
  return demoProjects((await response.json()) as Catalogue)
}

/** A course of the demo content as its manifest has it, answers included. */
export interface ManifestCourse {
  code: string
  title: string
  hours: number
  chapters: Array<{ title: string; durationSeconds: number }>
  questions: Array<{ prompt: string; options: string[]; answerIndex: number }>
}

export interface ManifestProject {
  code: string
  title: string
  requiredHours: number
  courses: ManifestCourse[]
}

/**
 * The demo content every journey's server is seeded with. The test (not the page) knows the
 * answers to the 防挂机 questions: it reads them here.
 */
export function demoManifest(): { projects: ManifestProject[] } {
  const manifestPath = resolve(dirname(fileURLToPath(import.meta.url)), '../../server/seed/demo/manifest.json')
  return JSON.parse(readFileSync(manifestPath, 'utf8')) as { projects: ManifestProject[] }
}
