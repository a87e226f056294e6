import type { Component } from 'vue'
import type { RouteMeta, RouteRecordRaw } from 'vue-router'
// Every view is a lazy chunk of its own, the home page included: the entry (what index.html loads)
// stays within its 100 kB gzip budget, and the home chunk loads in parallel with the first API call.

/** A route record whose meta is required, so no route can forget its title or sign-in rule. */
type AppRouteRecord = RouteRecordRaw & { meta: RouteMeta }

/** One screen: its lazy view and its meta; a view is kept alive only where the meta says so. */
function page(
  path: string,
  name: string,
  component: () => Promise<Component>,
  meta: Pick<RouteMeta, 'title' | 'requiresAuth' | 'tab' | 'public' | 'ownHeading'> & { keepAlive?: boolean },
): AppRouteRecord {
  return { path, name, component, meta: { keepAlive: false, ...meta } }
}

export const routes: AppRouteRecord[] = [
  page('/', 'home', () => import('@/views/catalogue/CatalogueView.vue'), { title: '在线学习中心', requiresAuth: false, keepAlive: true, tab: 'home', ownHeading: true }),
  page('/projects/:id(\\d+)', 'project', () => import('@/views/catalogue/ProjectDetailView.vue'), { title: '项目详情', requiresAuth: false, ownHeading: true }),
  // 「立即购买」 → 项目购买 → 「个人购买」 → 提交订单 (PAY-1).
  page('/projects/:id(\\d+)/purchase', 'purchase', () => import('@/views/purchase/PurchaseView.vue'), { title: '项目购买', requiresAuth: true, ownHeading: true }),
  // 「团体购买」 (GRP-1, GRP-2): paste ID numbers, 「立即购买」.
  page('/projects/:id(\\d+)/group', 'group-purchase', () => import('@/views/group/GroupPurchaseView.vue'), { title: '团体购买', requiresAuth: true }),
  page('/projects/:id(\\d+)/order', 'order-submit', () => import('@/views/purchase/OrderSubmitView.vue'), { title: '提交订单', requiresAuth: true }),
  // Every payment page lives under /pay/: that one directory is registered as WeChat Pay's JSAPI
  // 支付授权目录 (views/purchase/README.md), and WeChat refuses the cashier anywhere else.
  page('/pay/orders/:id(\\d+)', 'pay-order', () => import('@/views/purchase/PayView.vue'), { title: '订单支付', requiresAuth: true, ownHeading: true }),
  page('/training', 'training', () => import('@/views/training/TrainingView.vue'), { title: '课程培训', requiresAuth: true, tab: 'training', ownHeading: true }),
  // 「进入学习」: a plan's courses, a page at a time (?page=), each cover opening the player (LRN-1).
  page('/training/:projectId(\\d+)', 'training-courses', () => import('@/views/training/CourseListView.vue'), { title: '进入学习', requiresAuth: true, ownHeading: true }),
  // The player (optional ?chapter=). Its chunk is the only one that carries video.js.
  page('/learn/courses/:courseId(\\d+)', 'learn-course', () => import('@/views/learning/CoursePlayerView.vue'), { title: '课程学习', requiresAuth: true, ownHeading: true }),
  page('/me', 'me', () => import('@/views/me/MeView.vue'), { title: '我的', requiresAuth: true, tab: 'me' }),
  // 我的订单 (PAY-5), linked from 我的.
  page('/orders', 'orders', () => import('@/views/orders/OrdersView.vue'), { title: '我的订单', requiresAuth: true }),
  // 我的证书 (CRT-1 … CRT-3), linked from 我的: the list, 完善个人信息 before a plan's first
  // certificate, and the certificate itself.
  page('/certificates', 'certificates', () => import('@/views/certificates/CertificatesView.vue'), { title: '我的证书', requiresAuth: true }),
  page('/certificates/projects/:projectId(\\d+)/profile', 'certificate-profile', () => import('@/views/certificates/CertificateProfileView.vue'), { title: '完善个人信息', requiresAuth: true, ownHeading: true }),
  page('/certificates/:id(\\d+)', 'certificate', () => import('@/views/certificates/CertificateView.vue'), { title: '查看证书', requiresAuth: true }),
  // 证书验证 (CRT-4): the certificate's QR code points here (the server's verifyUrl). Anyone opens
  // it, in WeChat or not: `public` keeps it out of sign-in and WeChat OAuth.
  page('/verify/:number?', 'verify', () => import('@/views/verify/VerifyView.vue'), { title: '证书验证', requiresAuth: false, public: true, ownHeading: true }),
  // 我的发票 (INV-1 … INV-3): paid orders with their invoices, 申请开票 / 修改发票, 查看发票.
  page('/invoices', 'invoices', () => import('@/views/invoices/InvoicesView.vue'), { title: '我的发票', requiresAuth: true }),
  page('/invoices/apply', 'invoice-apply', () => import('@/views/invoices/InvoiceApplyView.vue'), { title: '申请开票', requiresAuth: true }),
  page('/invoices/:id(\\d+)', 'invoice', () => import('@/views/invoices/InvoiceView.vue'), { title: '查看发票', requiresAuth: true }),
  // 团购订单 (GRP-4), linked from 我的, and one group order with its learners and 对公转账 details.
  page('/group-orders', 'group-orders', () => import('@/views/group/GroupOrdersView.vue'), { title: '团购订单', requiresAuth: true }),
  page('/group-orders/:id(\\d+)', 'group-order', () => import('@/views/group/GroupOrderDetailView.vue'), { title: '团购订单', requiresAuth: true }),
  page('/login', 'login', () => import('@/views/auth/LoginView.vue'), { title: '登录', requiresAuth: false, ownHeading: true }),
  page('/register', 'register', () => import('@/views/auth/RegisterView.vue'), { title: '注册', requiresAuth: false }),
  page('/forgot-password', 'forgot-password', () => import('@/views/auth/ForgotPasswordView.vue'), { title: '忘记密码', requiresAuth: false }),
  page('/change-password', 'change-password', () => import('@/views/auth/ChangePasswordView.vue'), { title: '修改密码', requiresAuth: true }),
  page('/wechat-snapshot', 'wechat-snapshot', () => import('@/views/auth/WechatSnapshotView.vue'), { title: '使用完整服务', requiresAuth: false }),
  // 隐私政策, linked from 注册, the consent page and 我的; anyone may read it.
  page('/privacy', 'privacy', () => import('@/views/privacy/PrivacyView.vue'), { title: '隐私政策', requiresAuth: false, public: true }),
  // 我的个人信息 (PIPL art. 44–47), linked from 我的: what is held, 「下载」, 「注销账号」.
  page('/me/data', 'my-data', () => import('@/views/privacy/MyDataView.vue'), { title: '我的个人信息', requiresAuth: true }),
  // Opened on 403 CONSENT_REQUIRED: both consents for the current policy version, then back.
  page('/consent', 'consent', () => import('@/views/privacy/ConsentView.vue'), { title: '隐私政策', requiresAuth: true }),
  page('/help', 'help', () => import('@/views/help/HelpView.vue'), { title: '咨询方式', requiresAuth: false }),
  page('/:pathMatch(.*)*', 'not-found', () => import('@/views/error/NotFoundView.vue'), { title: '页面不存在', requiresAuth: false }),
]
