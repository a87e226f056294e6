import { defineConfig } from 'vitest/config'

// Browser tests: the built H5 served by the real server, driven through system Chromium.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    // One server and one browser at a time; the files share the server started in globalSetup.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
})
