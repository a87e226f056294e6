// First import on purpose: captures the entry URL before the router rewrites history (see wechat/env).
import './wechat/env.ts'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import { http } from './api/http.ts'
import App from './App.vue'
import { leaveProtectedPage, router } from './router/index.ts'
import { useAuthStore } from './stores/auth.ts'
import './styles/global.css'
import './styles/vant-theme.css'
import { installVantAccessibility } from './utils/vant-a11y.ts'
import { restoreLargeText } from './utils/large-text.ts'

// Before the first render, so a learner in 大字模式 never sees the small type flash by.
restoreLargeText()
installVantAccessibility()
// Older webviews without text-wrap: balance get a script that balances titles; newer ones load nothing.
if (typeof CSS === 'undefined' || !CSS.supports?.('text-wrap', 'balance')) {
  void import('./utils/balance-titles.ts').then(({ installTitleBalancing }) => installTitleBalancing())
}

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)

// The HTTP client reaches the session through this bridge; it cannot import the store, which
// imports the API modules built on the client.
const auth = useAuthStore(pinia)
http.attachSession({
  accessToken: () => auth.accessToken,
  settled: () => auth.settled(),
  refresh: () => auth.refresh(),
  sessionLost: () => {
    auth.clear()
    leaveProtectedPage()
  },
  // The router sends such an account to 修改密码 already; this covers a public page that asked the
  // API for the learner's own data (the server refuses it until the password is changed).
  passwordChangeRequired: () => {
    if (auth.user && !auth.user.mustChangePassword) auth.user = { ...auth.user, mustChangePassword: true }
    const here = router.currentRoute.value
    if (here.name !== 'change-password') void router.push({ name: 'change-password', query: { redirect: here.fullPath } })
  },
  // Signed in (WeChat binding, a bulk-registered account, a new policy version) without the current
  // consents: the page that asked opens 隐私政策's consent page, and comes back after it.
  consentRequired: () => {
    const here = router.currentRoute.value
    if (here.name !== 'consent' && here.name !== 'privacy' && here.name !== 'change-password') {
      void router.push({ name: 'consent', query: { redirect: here.fullPath } })
    }
  },
})
// One silent refresh at start, so public pages (the catalogue's "已购买" state) know the learner too;
// guarded routes await the same single flight. A network failure here only means signed out for now.
auth.restore().catch(() => undefined)

app.use(router)
app.mount('#app')
