import type { Catalogue, ProjectDetail } from '@app/shared/catalogue'
import { http } from './http.ts'

/** GET /api/catalogue: 「在线学习中心」, every category with its projects and the learner's state. */
export function fetchCatalogue(signal?: AbortSignal): Promise<Catalogue> {
  return http.get<Catalogue>('/catalogue', { signal })
}

/** GET /api/projects/:id: one project with its courses. Rejects with PROJECT_NOT_FOUND when unknown. */
export function fetchProject(id: number, signal?: AbortSignal): Promise<ProjectDetail> {
  return http.get<ProjectDetail>(`/projects/${id}`, { signal })
}
