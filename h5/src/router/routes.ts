import type { RouteMeta, RouteRecordRaw } from 'vue-router'
// The home page is the first screen almost everyone opens from the Official Account menu, so it is
// in the entry chunk; every other view is a lazy chunk of its own.
import CatalogueView from '@/views/catalogue/CatalogueView.vue'

/** A route record whose meta is required, so no route can forget its title or cache rule. */
type AppRouteRecord = RouteRecordRaw & { meta: RouteMeta }

export const routes: AppRouteRecord[] = [
  {
    path: '/',
    name: 'home',
    component: CatalogueView,
    meta: { title: '在线学习中心', requiresAuth: false, keepAlive: true, tab: 'home' },
  },
  {
    path: '/projects/:id(\\d+)',
    name: 'project',
    component: () => import('@/views/catalogue/ProjectDetailView.vue'),
    meta: { title: '项目详情', requiresAuth: false, keepAlive: false },
  },
  {
    path: '/training',
    name: 'training',
    // Signed-out learners see a 请先登录 prompt in the page itself, so the tab bar stays in reach.
    component: () => import('@/views/training/TrainingView.vue'),
    meta: { title: '课程培训', requiresAuth: false, keepAlive: false, tab: 'training' },
  },
  {
    path: '/me',
    name: 'me',
    component: () => import('@/views/me/MeView.vue'),
    meta: { title: '我的', requiresAuth: false, keepAlive: false, tab: 'me' },
  },
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/auth/LoginView.vue'),
    meta: { title: '登录', requiresAuth: false, keepAlive: false },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/error/NotFoundView.vue'),
    meta: { title: '页面不存在', requiresAuth: false, keepAlive: false },
  },
]
