/**
 * Collects work items that arrive together and hands them to `run` as batches. Progress reports use
 * it so that hundreds of learners share one transaction and one commit instead of paying for one
 * each; every caller still gets its own result, only after its batch committed. Two batches may
 * run at once, so the server prepares one while the database commits the other. A batch waits
 * briefly to fill up (`minFill`, `fillWaitMs`), whether or not another one runs: each transaction
 * costs the server and the database a fixed amount however few items it carries, so fuller
 * batches cost less per item (bench:progress; docs/deployment.md, "Fourth pass").
 */
export interface MicroBatcher<I, O> {
  submit(item: I): Promise<O>
}

export interface MicroBatcherOptions {
  maxBatch?: number
  parallel?: number
  /** A batch starts once it has this many items… */
  minFill?: number
  /** …or once its oldest item has waited this long (ms). */
  fillWaitMs?: number
}

/**
 * `run` gets the batch's items in arrival order and when the first of them arrived (performance.now()),
 * so it can bound how long that caller waits in all (a database that does not answer).
 */
export function createMicroBatcher<I, O>(run: (items: I[], oldestSubmittedAt: number) => Promise<Array<O | Error>>, options: MicroBatcherOptions = {}): MicroBatcher<I, O> {
  const { maxBatch = 200, parallel = 2, minFill = 1, fillWaitMs = 0 } = options
  type Entry = { item: I; at: number; resolve: (value: O) => void; reject: (error: unknown) => void }
  let queue: Entry[] = []
  let running = 0
  let scheduled = false
  let fillTimer: NodeJS.Timeout | null = null

  async function flush(batch: Entry[]): Promise<void> {
    try {
      const results = await run(batch.map((e) => e.item), batch[0]?.at ?? performance.now())
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

  /** `timedOut`: the fill timer fired, so the oldest item has waited its time (timers may fire a little early). */
  function pump(timedOut = false): void {
    scheduled = false
    while (running < parallel && queue.length > 0) {
      const waitLeft = fillWaitMs - (performance.now() - (queue[0] as Entry).at)
      if (!timedOut && queue.length < minFill && waitLeft > 0) {
        fillTimer ??= setTimeout(() => {
          fillTimer = null
          pump(true)
        }, waitLeft)
        return
      }
      timedOut = false
      if (fillTimer) clearTimeout(fillTimer)
      fillTimer = null
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
        queue.push({ item, at: performance.now(), resolve, reject })
        // A batch already waiting to fill starts when its timer fires; only a full one starts sooner.
        // (Scheduling a pump for every item cost the progress reports a timer each: bench:progress.)
        if (fillTimer && queue.length < minFill) return
        if (!scheduled && running < parallel) {
          scheduled = true
          // Let the current burst of requests join before the batch starts.
          setImmediate(() => pump())
        }
      })
    },
  }
}
