/**
 * Collects work items that arrive together and hands them to `run` as batches. Progress reports use
 * it so that hundreds of learners share one transaction and one commit instead of paying for one
 * each; every caller still gets its own result, only after its batch committed. Two batches may
 * run at once, so the server prepares one while the database commits the other (bench:progress).
 */
export interface MicroBatcher<I, O> {
  submit(item: I): Promise<O>
}

export function createMicroBatcher<I, O>(
  run: (items: I[]) => Promise<Array<O | Error>>,
  options: { maxBatch?: number; parallel?: number; minFill?: number; fillWaitMs?: number } = {},
): MicroBatcher<I, O> {
  const maxBatch = options.maxBatch ?? 200
  const parallel = options.parallel ?? 2
  type Entry = { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }
  let queue: Entry[] = []
  const minFill = options.minFill ?? 1
  const fillWaitMs = options.fillWaitMs ?? 0
  let running = 0
  let scheduled = false

  async function flush(batch: Entry[]): Promise<void> {
    try {
      const results = await run(batch.map((e) => e.item))
      batch.forEach((entry, i) => {
        const result = results[i]
        if (result instanceof Error) entry.reject(result)
        else entry.resolve(result as O)
      })
    } catch (error) {
      // The batch's transaction failed: nothing of it was stored, every caller may retry.
      for (const entry of batch) entry.reject(error)
    }
  }

  let waitTimer: NodeJS.Timeout | null = null
  function pump(): void {
    scheduled = false
    while (running < parallel && queue.length > 0) {
      // A second batch waits briefly to fill up: fewer, fuller transactions commit more reports.
      if (running > 0 && queue.length < minFill) {
        waitTimer ??= setTimeout(() => {
          waitTimer = null
          fill()
        }, fillWaitMs)
        return
      }
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
      running += 1
      void flush(batch).finally(() => {
        running -= 1
        pump()
      })
    }
  }

  /** Starts a batch with whatever is queued, even if it is not full. */
  function fill(): void {
    while (running < parallel && queue.length > 0) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
      running += 1
      void flush(batch).finally(() => {
        running -= 1
        pump()
      })
    }
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject })
        if (!scheduled && running < parallel) {
          scheduled = true
          // Let the current burst of requests join before the batch starts.
          setImmediate(pump)
        }
      })
    },
  }
}
