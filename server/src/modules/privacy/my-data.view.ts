import { formatFen, INVOICE_STATE_LABELS, type InvoiceState, type MyData } from '@app/shared'
import { writeWorkbook, type SheetSpec } from '../../core/spreadsheet.ts'

/**
 * 我的个人信息 as a workbook a layperson opens in Excel or WPS: one sheet per section, Chinese
 * headers, times in China time, amounts in yuan. The rows are exactly what the page shows.
 */

const ORDER_STATUS: Record<string, string> = { pending: '待支付', paid: '已支付', closed: '已关闭', refunding: '退款中', refunded: '已退款' }
const ORDER_KIND: Record<string, string> = { individual: '个人购买', group: '团体购买' }
const TITLE_TYPE: Record<string, string> = { personal: '个人', unit: '单位' }
const CONSENT_KIND: Record<string, string> = { policy: '同意《隐私政策》', sensitive_id: '单独同意处理身份证号（敏感个人信息）' }
const CONSENT_CLIENT: Record<string, string> = { register: '注册时', 'consent-page': '登录后再次征得同意' }

/** `2026-12-05 14:30` in Asia/Shanghai (UTC+8, no daylight saving). */
export function chinaTime(iso: string | null): string {
  if (!iso) return ''
  const shifted = new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString()
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`
}

const col = (header: string, key: string, width = 18) => ({ header, key, width })

export function myDataSheets(data: MyData): SheetSpec[] {
  const p = data.profile
  return [
    {
      name: '账号信息',
      columns: [col('项目', 'item', 16), col('内容', 'value', 40)],
      rows: [
        { item: '姓名', value: p.realName },
        { item: '身份证号', value: p.idNumber },
        { item: '手机号', value: p.phone },
        { item: '注册时间', value: chinaTime(p.registeredAt) },
        { item: '微信绑定', value: p.wechatBound ? `已绑定（${chinaTime(p.wechatBoundAt)}）` : '未绑定' },
      ],
    },
    {
      name: '订单',
      columns: [col('订单号', 'no', 30), col('类型', 'kind', 10), col('项目', 'project', 30), col('人数', 'qty', 6), col('金额（元）', 'amount', 12), col('状态', 'status', 10), col('下单时间', 'created'), col('支付时间', 'paid'), col('已退款（元）', 'refunded', 12)],
      rows: data.orders.map((o) => ({
        no: o.outTradeNo,
        kind: ORDER_KIND[o.kind] ?? o.kind,
        project: o.projectTitle,
        qty: o.quantity,
        amount: formatFen(o.amountFen),
        status: ORDER_STATUS[o.status] ?? o.status,
        created: chinaTime(o.createdAt),
        paid: chinaTime(o.paidAt),
        refunded: formatFen(o.refundedFen),
      })),
    },
    {
      name: '学习计划',
      columns: [col('项目', 'project', 30), col('年度', 'year', 8), col('学分要求（学时）', 'required', 16), col('已获学时', 'counted', 10), col('开通时间', 'enrolled'), col('完成时间', 'completed')],
      rows: data.plans.map((r) => ({ project: r.projectTitle, year: r.year, required: r.requiredHours, counted: r.countedHours, enrolled: chinaTime(r.enrolledAt), completed: chinaTime(r.completedAt) })),
    },
    {
      name: '课程学习',
      columns: [col('项目', 'project', 30), col('课程', 'course', 30), col('课程学时', 'hours', 10), col('已学习（分钟）', 'minutes', 14), col('完成时间', 'completed')],
      rows: data.courses.map((r) => ({ project: r.projectTitle, course: r.courseTitle, hours: r.hours, minutes: r.creditedMinutes, completed: chinaTime(r.completedAt) })),
    },
    {
      name: '证书',
      columns: [col('证书编号', 'no', 24), col('项目', 'project', 30), col('年度', 'year', 8), col('学时', 'hours', 8), col('姓名', 'name', 10), col('身份证号', 'id', 22), col('单位', 'org', 30), col('发证日期', 'issued', 12)],
      rows: data.certificates.map((c) => ({ no: c.number, project: c.projectTitle, year: c.year, hours: c.hours, name: c.realName, id: c.idNumber, org: c.organisationName, issued: c.issuedOn })),
    },
    {
      name: '发票',
      columns: [col('订单号', 'no', 30), col('状态', 'state', 10), col('抬头类型', 'type', 10), col('发票抬头', 'title', 30), col('税号', 'tax', 22), col('接收邮箱', 'email', 26), col('金额（元）', 'amount', 12), col('发票号码', 'number', 22), col('开票时间', 'issued')],
      rows: data.invoices.map((i) => ({
        no: i.outTradeNo,
        state: INVOICE_STATE_LABELS[i.state as InvoiceState] ?? i.state,
        type: TITLE_TYPE[i.titleType] ?? i.titleType,
        title: i.title,
        tax: i.taxpayerId ?? '',
        email: i.email,
        amount: formatFen(i.amountFen),
        number: i.number ?? '',
        issued: chinaTime(i.issuedAt),
      })),
    },
    {
      name: '发票抬头',
      columns: [col('抬头类型', 'type', 10), col('发票抬头', 'title', 30), col('税号', 'tax', 22), col('接收邮箱', 'email', 26)],
      rows: data.invoiceTitles.map((t) => ({ type: TITLE_TYPE[t.titleType] ?? t.titleType, title: t.title, tax: t.taxpayerId, email: t.email })),
    },
    {
      name: '同意记录',
      columns: [col('隐私政策版本', 'version', 16), col('同意事项', 'kind', 36), col('同意时间', 'at'), col('场景', 'client', 20)],
      rows: data.consents.map((c) => ({ version: c.policyVersion, kind: CONSENT_KIND[c.kind] ?? c.kind, at: chinaTime(c.grantedAt), client: CONSENT_CLIENT[c.client] ?? c.client })),
    },
  ]
}

export function myDataWorkbook(data: MyData): Promise<Buffer> {
  return writeWorkbook('我的个人信息', myDataSheets(data))
}
