import { createRouter, createWebHistory } from 'vue-router'
import { useAuthStore } from '@/stores/auth.ts'
import { setPageTitle } from '@/utils/page-title.ts'
import { startWechatOauthIfNeeded, wechatOauthPossible } from '@/wechat/oauth.ts'
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

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  // The server's OAuth callback lands on /login?wechat=… or /wechat-snapshot: OAuth already ran.
  const isOauthResult = typeof to.query.wechat === 'string' || to.name === 'wechat-snapshot'
  // A public page (证书验证 from a QR code) is for anyone: no OAuth round-trip, which would also
  // sign a bound WeChat user in without being asked.
  const oauthPossible = !to.meta.public && wechatOauthPossible(isOauthResult)
  if (to.meta.requiresAuth || oauthPossible) {
    try {
      await auth.restore()
    } catch {
      // No answer from the server (network): the learner is treated as signed out for this
      // navigation; restore() stays pending-able, so the next guarded navigation asks again.
    }
  }
  // Inside WeChat a signed-out first visit goes through OAuth and comes back to this very page.
  if (oauthPossible && startWechatOauthIfNeeded(to.fullPath, auth.signedIn, isOauthResult)) return false
  if (to.meta.requiresAuth && !auth.signedIn) return { name: 'login', query: { redirect: to.fullPath } }
  // An account staff created (ACC-5) sets its own password before anything else.
  if (auth.user?.mustChangePassword && to.name !== 'change-password' && !to.meta.public) {
    return { name: 'change-password', query: { redirect: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  setPageTitle(to.meta.title)
})

/**
 * The session ended under the learner's feet (refresh refused): a page that needs it is left for
 * 登录, which brings them back afterwards; a public page simply carries on signed out.
 */
export function leaveProtectedPage(): void {
  const current = router.currentRoute.value
  if (current.meta.requiresAuth) void router.replace({ name: 'login', query: { redirect: current.fullPath } })
}
