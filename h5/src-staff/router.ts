import { createRouter, createWebHistory } from 'vue-router'
import { session } from './session'

declare module 'vue-router' {
  interface RouteMeta {
    title: string
    /** Only these roles see the page (and its menu entry); admin sees everything. */
    roles?: ('operator' | 'finance' | 'admin')[]
    public?: boolean
    /** Shown in the side menu, in this order (pages without it are reached from another page). */
    menuOrder?: number
  }
}

/** Console pages, each loaded when first opened. */
export const router = createRouter({
  history: createWebHistory('/staff/'),
  routes: [
    // 学员 stays the landing page: 客服 sign in to answer a learner's call; 统计 is first in the menu.
    { path: '/', redirect: '/learners' },
    { path: '/sign-in', component: () => import('./views/SignInView.vue'), meta: { title: '登录', public: true } },
    { path: '/password', component: () => import('./views/ChangePasswordView.vue'), meta: { title: '修改密码' } },
    { path: '/stats', component: () => import('./views/StatsView.vue'), meta: { title: '统计', menuOrder: 5 } },
    { path: '/learners', component: () => import('./views/LearnersView.vue'), meta: { title: '学员', menuOrder: 10 } },
    { path: '/learners/:id(\\d+)', component: () => import('./views/LearnerDetailView.vue'), meta: { title: '学员详情' } },
    { path: '/orders', component: () => import('./views/OrdersView.vue'), meta: { title: '订单与退款', roles: ['operator', 'finance', 'admin'], menuOrder: 20 } },
    { path: '/orders/:id(\\d+)', component: () => import('./views/OrderDetailView.vue'), meta: { title: '订单详情' } },
    { path: '/transfers', component: () => import('./views/TransfersView.vue'), meta: { title: '对公转账', roles: ['operator', 'finance', 'admin'], menuOrder: 25 } },
    { path: '/group-orders', component: () => import('./views/GroupOrdersView.vue'), meta: { title: '团购订单', roles: ['operator', 'finance', 'admin'], menuOrder: 30 } },
    { path: '/group-orders/:id(\\d+)', component: () => import('./views/GroupOrderLearnersView.vue'), meta: { title: '团购订单的学员' } },
    { path: '/bulk-registrations', component: () => import('./views/BulkRegistrationView.vue'), meta: { title: '批量注册', roles: ['operator', 'admin'], menuOrder: 15 } },
    { path: '/invoices', component: () => import('./views/InvoicesView.vue'), meta: { title: '发票', menuOrder: 40 } },
    { path: '/catalogue', component: () => import('./views/CatalogueView.vue'), meta: { title: '课程与项目', menuOrder: 50 } },
    { path: '/golive', component: () => import('./views/GoLiveView.vue'), meta: { title: '系统检查', roles: ['admin'], menuOrder: 90 } },
    { path: '/conversations', component: () => import('./views/ConversationsView.vue'), meta: { title: '在线客服', roles: ['operator'], menuOrder: 12 } },
    { path: '/audit-log', component: () => import('./views/AuditLogView.vue'), meta: { title: '审计日志', roles: ['admin'], menuOrder: 80 } },
    { path: '/staff-accounts', component: () => import('./views/StaffAccountsView.vue'), meta: { title: '工作人员', roles: ['admin'], menuOrder: 100 } },
    { path: '/:rest(.*)*', redirect: '/learners' },
  ],
})

router.beforeEach((to) => {
  if (to.meta.public) return true
  if (!session.token || !session.staff) return { path: '/sign-in', query: to.fullPath === '/learners' ? {} : { redirect: to.fullPath } }
  if (session.staff.mustChangePassword && to.path !== '/password') return '/password'
  const roles = to.meta.roles
  if (roles && session.staff.role !== 'admin' && !roles.includes(session.staff.role)) return '/learners'
  return true
})

router.afterEach((to) => {
  document.title = `${to.meta.title} · 管理后台`
})
