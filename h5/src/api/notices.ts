import type { SubscribeTemplates } from '@app/shared/notices'
import { http } from './http.ts'

/** GET /api/notices/subscribe-templates: the 订阅通知 template ids for wx-open-subscribe (null: not offered). */
export function fetchSubscribeTemplates(signal?: AbortSignal): Promise<SubscribeTemplates> {
  return http.get<SubscribeTemplates>('/notices/subscribe-templates', { signal })
}
