import { defineConfig } from 'vitest/config'

// Fault scripts against the local cluster (nginx, PgBouncer, several server processes): long
// running, so not part of the default test run. `npx -y pnpm@10.34.8 test:faults`.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/cluster/*.fault.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
})
