// First import on purpose: captures the entry URL before the router rewrites history (see wechat/env).
import './wechat/env.ts'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router/index.ts'
import './styles/global.css'
import './styles/vant-theme.css'

const app = createApp(App)
app.use(createPinia())
app.use(router)
app.mount('#app')
