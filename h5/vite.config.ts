import { fileURLToPath, URL } from 'node:url'
import { VantResolver } from '@vant/auto-import-resolver'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { defineConfig, loadEnv } from 'vite'
import { postcssPlugins } from './build/postcss.ts'
import { vantIconFontFile } from './build/vant-icon-font.ts'

// Browsers we build for: WeChat's webview on iOS 13+ (system WebKit) and on Android (XWeb, Chromium
// 86+). No legacy plugin: its polyfills alone would eat a third of the entry weight budget.
const BROWSER_TARGETS = ['es2019', 'safari13', 'chrome87']

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_')
  return {
    plugins: [
      vue(),
      // Vant components are imported by name with only their own styles, never the whole library.
      // Function APIs (showToast, showDialog) are not templates: import them from 'vant' together
      // with their style, e.g. 'vant/es/toast/style', in the file that uses them.
      Components({
        resolvers: [VantResolver()],
        dts: 'src/components.d.ts',
        // App-wide components in src/components are imported explicitly, so reviews see them.
        dirs: [],
      }),
      vantIconFontFile(),
    ],
    resolve: {
      alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
    },
    css: {
      postcss: { plugins: postcssPlugins() },
    },
    build: {
      target: BROWSER_TARGETS,
      cssTarget: BROWSER_TARGETS.slice(1),
      // The entry weight is measured on real gzip by scripts/print-entry-weight.mjs instead.
      reportCompressedSize: false,
    },
    server: {
      proxy: {
        '/api': { target: env.VITE_API_PROXY_TARGET ?? 'http://127.0.0.1:3000', changeOrigin: true },
      },
    },
  }
})
