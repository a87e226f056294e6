import type { RouteMeta, RouteRecordRaw } from 'vue-router'
// Every view is a lazy chunk of its own, the home page included: the entry (what index.html loads)
// stays within its 100 kB gzip budget, and the home chunk loads in parallel with the first API call.

/** A route record whose meta is required, so no route can forget its title or cache rule. */
type AppRouteRecord = RouteRecordRaw & { meta: RouteMeta }

export const routes: AppRouteRecord[] = [
  {
    path: '/',
    name: 'home',
    component: () => import('@/views/catalogue/CatalogueView.vue'),
    meta: { title: '在线学习中心', requiresAuth: false, keepAlive: true, tab: 'home', ownHeading: true },
  },
  {
    path: '/projects/:id(\\d+)',
    name: 'project',
    component: () => import('@/views/catalogue/ProjectDetailView.vue'),
    meta: { title: '项目详情', requiresAuth: false, keepAlive: false, ownHeading: true },
  },
  // 「立即购买」 → 项目购买 → 「个人购买」 → 提交订单 (PAY-1).
  {
    path: '/projects/:id(\\d+)/purchase',
    name: 'purchase',
    component: () => import('@/views/purchase/PurchaseView.vue'),
    meta: { title: '项目购买', requiresAuth: true, keepAlive: false, ownHeading: true },
  },
  // 「团体购买」 (GRP-1, GRP-2): paste ID numbers, 「立即购买」.
  {
    path: '/projects/:id(\\d+)/group',
    name: 'group-purchase',
    component: () => import('@/views/group/GroupPurchaseView.vue'),
    meta: { title: '团体购买', requiresAuth: true, keepAlive: false },
  },
  {
    path: '/projects/:id(\\d+)/order',
    name: 'order-submit',
    component: () => import('@/views/purchase/OrderSubmitView.vue'),
    meta: { title: '提交订单', requiresAuth: true, keepAlive: false },
  },
  // Every payment page lives under /pay/: that one directory is registered as WeChat Pay's JSAPI
  // 支付授权目录 (views/purchase/README.md), and WeChat refuses the cashier anywhere else.
  {
    path: '/pay/orders/:id(\\d+)',
    name: 'pay-order',
    component: () => import('@/views/purchase/PayView.vue'),
    meta: { title: '订单支付', requiresAuth: true, keepAlive: false, ownHeading: true },
  },
  {
    path: '/training',
    name: 'training',
    component: () => import('@/views/training/TrainingView.vue'),
    meta: { title: '课程培训', requiresAuth: true, keepAlive: false, tab: 'training', ownHeading: true },
  },
  // 「进入学习」: a plan's courses, a page at a time (?page=), each cover opening the player (LRN-1).
  {
    path: '/training/:projectId(\\d+)',
    name: 'training-courses',
    component: () => import('@/views/training/CourseListView.vue'),
    meta: { title: '进入学习', requiresAuth: true, keepAlive: false, ownHeading: true },
  },
  // The player (optional ?chapter=). Its chunk is the only one that carries video.js.
  {
    path: '/learn/courses/:courseId(\\d+)',
    name: 'learn-course',
    component: () => import('@/views/learning/CoursePlayerView.vue'),
    meta: { title: '课程学习', requiresAuth: true, keepAlive: false, ownHeading: true },
  },
  {
    path: '/me',
    name: 'me',
    component: () => import('@/views/me/MeView.vue'),
    meta: { title: '我的', requiresAuth: true, keepAlive: false, tab: 'me' },
  },
  // 我的订单 (PAY-5), linked from 我的.
  {
    path: '/orders',
    name: 'orders',
    component: () => import('@/views/orders/OrdersView.vue'),
    meta: { title: '我的订单', requiresAuth: true, keepAlive: false },
  },
  // 我的证书 (CRT-1 … CRT-3), linked from 我的: the list, 完善个人信息 before a plan's first
  // certificate, and the certificate itself.
  {
    path: '/certificates',
    name: 'certificates',
    component: () => import('@/views/certificates/CertificatesView.vue'),
    meta: { title: '我的证书', requiresAuth: true, keepAlive: false },
  },
  {
    path: '/certificates/projects/:projectId(\\d+)/profile',
    name: 'certificate-profile',
    component: () => import('@/views/certificates/CertificateProfileView.vue'),
    meta: { title: '完善个人信息', requiresAuth: true, keepAlive: false, ownHeading: true },
  },
  {
    path: '/certificates/:id(\\d+)',
    name: 'certificate',
    component: () => import('@/views/certificates/CertificateView.vue'),
    meta: { title: '查看证书', requiresAuth: true, keepAlive: false },
  },
  // 证书验证 (CRT-4): the certificate's QR code points here (the server's verifyUrl). Anyone opens
  // it, in WeChat or not: `public` keeps it out of sign-in and WeChat OAuth.
  {
    path: '/verify/:number?',
    name: 'verify',
    component: () => import('@/views/verify/VerifyView.vue'),
    meta: { title: '证书验证', requiresAuth: false, keepAlive: false, public: true, ownHeading: true },
  },
  // Slots on 我的 that later issues wire up; until then each shows 「即将开放」.
  // 我的发票 (INV-1 … INV-3): paid orders with their invoices, 申请开票 / 修改发票, 查看发票.
  {
    path: '/invoices',
    name: 'invoices',
    component: () => import('@/views/invoices/InvoicesView.vue'),
    meta: { title: '我的发票', requiresAuth: true, keepAlive: false },
  },
  // 团购订单 (GRP-4), linked from 我的, and one group order with its learners and 对公转账 details.
  {
    path: '/invoices/apply',
    name: 'invoice-apply',
    component: () => import('@/views/invoices/InvoiceApplyView.vue'),
    meta: { title: '申请开票', requiresAuth: true, keepAlive: false },
  },
  {
    path: '/invoices/:id(\\d+)',
    name: 'invoice',
    component: () => import('@/views/invoices/InvoiceView.vue'),
    meta: { title: '查看发票', requiresAuth: true, keepAlive: false },
  },
  {
    path: '/group-orders',
    name: 'group-orders',
    component: () => import('@/views/group/GroupOrdersView.vue'),
    meta: { title: '团购订单', requiresAuth: true, keepAlive: false },
  },
  {
    path: '/group-orders/:id(\\d+)',
    name: 'group-order',
    component: () => import('@/views/group/GroupOrderDetailView.vue'),
    meta: { title: '团购订单', requiresAuth: true, keepAlive: false },
  },
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/auth/LoginView.vue'),
    meta: { title: '登录', requiresAuth: false, keepAlive: false, ownHeading: true },
  },
  {
    path: '/register',
    name: 'register',
    component: () => import('@/views/auth/RegisterView.vue'),
    meta: { title: '注册', requiresAuth: false, keepAlive: false },
  },
  {
    path: '/forgot-password',
    name: 'forgot-password',
    component: () => import('@/views/auth/ForgotPasswordView.vue'),
    meta: { title: '忘记密码', requiresAuth: false, keepAlive: false },
  },
  {
    path: '/change-password',
    name: 'change-password',
    component: () => import('@/views/auth/ChangePasswordView.vue'),
    meta: { title: '修改密码', requiresAuth: true, keepAlive: false },
  },
  {
    path: '/wechat-snapshot',
    name: 'wechat-snapshot',
    component: () => import('@/views/auth/WechatSnapshotView.vue'),
    meta: { title: '使用完整服务', requiresAuth: false, keepAlive: false },
  },
  {
    path: '/help',
    name: 'help',
    component: () => import('@/views/help/HelpView.vue'),
    meta: { title: '咨询方式', requiresAuth: false, keepAlive: false },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/error/NotFoundView.vue'),
    meta: { title: '页面不存在', requiresAuth: false, keepAlive: false },
  },
]
