import { describe, expect, it } from 'vitest'
import { useSubmitting } from './useSubmitting.ts'

describe('useSubmitting', () => {
  it('runs one request at a time and is busy only while it runs', async () => {
    const { submitting, submitOnce } = useSubmitting()
    let finish: () => void = () => {}
    let runs = 0
    const request = () => new Promise<void>((resolve) => ((runs += 1), (finish = resolve)))

    const first = submitOnce(request)
    expect(submitting.value).toBe(true)
    await submitOnce(request) // a second tap while the first is on its way
    expect(runs).toBe(1)

    finish()
    await first
    expect(submitting.value).toBe(false)
  })

  it('is no longer busy after a request that failed', async () => {
    const { submitting, submitOnce } = useSubmitting()
    await expect(submitOnce(() => Promise.reject(new Error('网络异常')))).rejects.toThrow('网络异常')
    expect(submitting.value).toBe(false)
  })
})
