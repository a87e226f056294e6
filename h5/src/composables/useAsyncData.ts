import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { toApiError, type ApiError } from '@/api/http.ts'

export interface AsyncData<T> {
  data: ShallowRef<T | undefined>
  error: ShallowRef<ApiError | undefined>
  loading: Ref<boolean>
  /** Runs the loader again (the 重试 button); an older run still in flight is aborted and ignored. */
  reload: () => Promise<void>
}

/**
 * Loading / error / data for one request a screen needs. Errors are kept (never swallowed) as
 * ApiError so the view can show its own empty or error state with a 重试 button.
 */
export function useAsyncData<T>(loader: (signal: AbortSignal) => Promise<T>): AsyncData<T> {
  const data = shallowRef<T>()
  const error = shallowRef<ApiError>()
  const loading = ref(false)
  let current: AbortController | undefined

  async function reload(): Promise<void> {
    current?.abort()
    const controller = new AbortController()
    current = controller
    loading.value = true
    error.value = undefined
    try {
      const result = await loader(controller.signal)
      if (current === controller) data.value = result
    } catch (caught) {
      if (current === controller) error.value = toApiError(caught)
    } finally {
      if (current === controller) loading.value = false
    }
  }

  return { data, error, loading, reload }
}
