import { createRouter, createWebHistory } from 'vue-router'
import { setPageTitle } from '@/utils/page-title.ts'
import { routes } from './routes.ts'

export const router = createRouter({
  // History mode under the Vite base path, which is also the path registered with WeChat for
  // JS-SDK and payment; the server answers every non-/api path with index.html.
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
  scrollBehavior(_to, _from, savedPosition) {
    return savedPosition ?? { top: 0 }
  },
})

router.beforeEach((to) => {
  // Sign-in does not exist yet; once the auth store lands, a route with requiresAuth sends a
  // signed-out learner to the login page and back afterwards.
  if (to.meta.requiresAuth) {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  setPageTitle(to.meta.title)
})
