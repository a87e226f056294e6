/// <reference types="vite/client" />

// Typed route meta, read by the router guards, App.vue (keep-alive) and AppTabBar.
import 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** document.title, which WeChat shows in its own top bar. */
    title: string
    /** Signed-out visitors are sent to /login?redirect=… (after the session restore and, in WeChat, OAuth). */
    requiresAuth: boolean
    /** Keep the view alive when leaving it, so list, tab and scroll position survive a detail visit. */
    keepAlive: boolean
    /** The bottom tab this route belongs to; routes without one hide the tab bar. */
    tab?: 'home' | 'training' | 'me'
    /**
     * Open to anyone, inside WeChat or not (证书验证 reached from a QR code): never sends the visitor
     * to sign-in or through WeChat OAuth, even on a first visit inside WeChat.
     */
    public?: boolean
    /**
     * The view shows its own h1 (a project's title, a verification result), so the nav bar's title
     * is not a heading: one h1 per page.
     */
    ownHeading?: boolean
  }
}

declare global {
  interface ImportMetaEnv {
    /** 在线客服: an external customer-service page; without it 咨询方式 shows the hotlines instead. */
    readonly VITE_ONLINE_SERVICE_URL?: string
  }
}
