import type { ProjectDetail } from '@app/shared/catalogue'
import { ErrorCode } from '@app/shared/error-codes'
import { computed } from 'vue'
import { fetchProject } from '@/api/catalogue.ts'
import { isApiError } from '@/api/http.ts'
import { useAsyncData } from './useAsyncData.ts'

/**
 * The project a page is about (项目详情, 项目购买, 提交订单, 团体购买), loading at once. `notFound`
 * when it does not exist or is no longer on sale; `onLoaded` sees each answer first.
 */
export function useProject(projectId: number, onLoaded?: (detail: ProjectDetail) => void) {
  const state = useAsyncData(async (signal) => {
    const detail = await fetchProject(projectId, signal)
    onLoaded?.(detail)
    return detail
  })
  void state.reload()
  const project = computed(() => state.data.value?.project)
  const notFound = computed(() => isApiError(state.error.value, ErrorCode.PROJECT_NOT_FOUND) || state.error.value?.status === 404)
  return { ...state, project, notFound }
}
