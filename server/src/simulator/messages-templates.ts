// The simulated account's templates: 类目模板 for 模板消息 (get_all_private_template) and 订阅通知
// templates (/wxaapi/newtmpl/gettemplate). The ids match the product's sample configuration so a
// development server sends out of the box; a test may add or remove templates through /dev.

export interface SimTemplate {
  id: string
  title: string
  content: string
  kind: 'template' | 'subscribe'
}

export const SIM_TEMPLATES: SimTemplate[] = [
  { id: 'simTplPaymentOk', kind: 'template', title: '支付成功通知', content: '项目名称:{{thing1.DATA}}\n支付金额:{{amount2.DATA}}\n订单号:{{character_string3.DATA}}\n支付时间:{{time4.DATA}}' },
  { id: 'simTplGroupEnrolled', kind: 'template', title: '开通成功通知', content: '项目名称:{{thing1.DATA}}\n开通说明:{{thing2.DATA}}\n开通时间:{{time3.DATA}}' },
  { id: 'simTplTransferOk', kind: 'template', title: '转账到账通知', content: '项目名称:{{thing1.DATA}}\n到账金额:{{amount2.DATA}}\n订单号:{{character_string3.DATA}}\n状态:{{phrase4.DATA}}' },
  { id: 'simTplCertificate', kind: 'template', title: '证书生成通知', content: '项目名称:{{thing1.DATA}}\n证书编号:{{character_string2.DATA}}\n发证日期:{{date3.DATA}}' },
  { id: 'simTplInvoice', kind: 'template', title: '发票状态通知', content: '订单号:{{character_string1.DATA}}\n发票金额:{{amount2.DATA}}\n发票状态:{{phrase3.DATA}}\n时间:{{time4.DATA}}' },
  { id: 'simTplSecurity', kind: 'template', title: '账号安全提醒', content: '事项:{{thing1.DATA}}\n时间:{{time2.DATA}}\n提示:{{thing3.DATA}}' },
  { id: 'simSubDeadline', kind: 'subscribe', title: '学习截止提醒', content: '学习项目:{{thing1.DATA}}\n剩余学时:{{number2.DATA}}\n截止时间:{{time3.DATA}}\n温馨提示:{{thing4.DATA}}' },
]

export function keysOf(content: string): string[] {
  return [...content.matchAll(/\{\{(\w+)\.DATA\}\}/g)].map((m) => m[1] as string)
}
