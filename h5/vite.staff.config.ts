import { renameSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { defineConfig, loadEnv, type Plugin } from 'vite'

/**
 * The staff console (管理后台): a second entry of this package, built on its own into dist/staff/
 * and served at /staff/. Its own config, not a second input of vite.config.ts, because the learner
 * app's PostCSS (px → vw/rem for a 375 px phone) must not touch a desktop console written in px,
 * and the learner entry's chunks and weight stay exactly as they were.
 */

// Desktop browsers staff use: current Chrome, Edge, Firefox and Safari (Element Plus's own targets).
const BROWSER_TARGETS = ['es2020', 'chrome100', 'edge100', 'firefox100', 'safari15']

/** Vite names the page after its source (staff.html); the server serves dist/staff/index.html at /staff/. */
function pageAsIndex(outDir: string): Plugin {
  return {
    name: 'staff-page-as-index',
    apply: 'build',
    closeBundle() {
      renameSync(`${outDir}/staff.html`, `${outDir}/index.html`)
    },
  }
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_')
  const outDir = fileURLToPath(new URL('./dist/staff', import.meta.url))
  return {
    base: '/staff/',
    plugins: [
      vue(),
      // Element Plus components are imported by name with their own CSS, never the whole library.
      // Function APIs (ElMessage, ElMessageBox) are imported with their style in the file using them.
      Components({
        resolvers: [ElementPlusResolver({ importStyle: 'css' })],
        dts: 'src-staff/components.d.ts',
        dirs: [],
      }),
      pageAsIndex(outDir),
    ],
    resolve: {
      alias: { '@staff': fileURLToPath(new URL('./src-staff', import.meta.url)) },
    },
    // Desktop px stay px: an empty PostCSS config, so h5's postcss setup is never picked up here.
    css: { postcss: { plugins: [] } },
    publicDir: false,
    build: {
      outDir,
      emptyOutDir: true,
      target: BROWSER_TARGETS,
      rollupOptions: { input: fileURLToPath(new URL('./staff.html', import.meta.url)) },
      reportCompressedSize: false,
      chunkSizeWarningLimit: 1000,
    },
    server: {
      proxy: {
        '/api': { target: env.VITE_API_PROXY_TARGET ?? 'http://127.0.0.1:3000', changeOrigin: true },
      },
    },
  }
})
