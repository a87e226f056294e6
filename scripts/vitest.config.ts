import { defineConfig } from 'vitest/config'

// The scripts' own tests (`*.test.ts`; the cluster's `*.fault.ts` run with vitest.faults.config.ts).
// Their set-up migrates a fresh in-memory database or starts the server, which on a busy two-core
// machine takes longer than vitest's 10 s default: the same limits as the server's tests.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
