import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'
import { LongestFirstSequencer } from './e2e/sequencer.ts'

// Browser tests: the built H5 served by the real server, driven through system Chromium.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    // Two files at a time even on two cores: much of a journey is waiting (a video playing in real
    // time, a server starting, a page settling), so the second file uses what the first leaves
    // idle. Each file has its own browser and its own learners; files on the shared server started
    // in globalSetup never look at each other's data.
    fileParallelism: true,
    maxWorkers: Math.max(2, Math.min(4, availableParallelism() - 1)),
    // The longest files first (e2e/sequencer.ts), so the run does not end on one long file alone.
    sequence: { sequencer: LongestFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
})
