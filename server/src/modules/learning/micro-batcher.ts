/**
 * Collects work items that arrive together and hands them to `run` as one batch, one batch at a
 * time. Progress reports use it so that hundreds of learners share one transaction and one commit
 * instead of paying for one each; every caller still gets its own result, only after the commit.
 */
export interface MicroBatcher<I, O> {
  submit(item: I): Promise<O>
  /** Resolves when everything submitted so far has been processed. */
  drain(): Promise<void>
}

export function createMicroBatcher<I, O>(run: (items: I[]) => Promise<Array<O | Error>>, maxBatch = 200): MicroBatcher<I, O> {
  type Entry = { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }
  let queue: Entry[] = []
  let running: Promise<void> | null = null

  async function loop(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
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
  }

  function schedule(): void {
    if (running) return
    // Let the current burst of requests join before the batch starts.
    running = new Promise<void>((r) => setImmediate(r))
      .then(loop)
      .finally(() => {
        running = null
        // Items that arrived after the loop's last check start the next round.
        if (queue.length > 0) schedule()
      })
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject })
        schedule()
      })
    },
    async drain() {
      while (running) await running
    },
  }
}
