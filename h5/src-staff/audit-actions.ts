/**
 * Chinese names of the staff actions recorded in `staff_audit_log` (docs/staff.md, "Audit"), for
 * 审计日志. A code missing here is shown as recorded; a new action adds its line here.
 */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'staff.sign_in': '登录',
  'staff.unlock': '解锁',
  'staff.sign_out': '退出登录',
  'staff.change_password': '修改本人密码',
  'staff.create': '新建工作人员账号',
  'staff.disable': '停用工作人员账号',
  'staff.enable': '启用工作人员账号',
  'staff.reset_password': '重置工作人员密码',
  'staff.reset_totp': '重置工作人员身份验证器',
  'learner.reveal': '查看学员完整号码',
  'learner.reset_password': '重置学员密码',
  'learner.change_phone': '更换学员手机号',
  'learner.change_phone_refused': '更换手机号被拒（身份不符）',
  'learner.unbind_wechat': '解除学员微信绑定',
  'learner.disable': '停用学员账号',
  'learner.enable': '启用学员账号',
  'learner.correct_profile': '更正学员个人信息',
  'group_order.confirm_transfer': '确认对公转账',
  'accounts.bulk_register': '批量注册',
  'conversation.reply': '在线客服回复',
  'notices.test_message': '发送测试通知',
  'golive.check': '上线检查',
  'account.close': '注销学员账号',
  'report.completion_download': '下载完成情况报表',
}

/** Detail keys in words; others are shown as recorded. */
export const AUDIT_DETAIL_LABELS: Record<string, string> = {
  reason: '原因',
  field: '字段',
  year: '年度',
  rows: '行数',
  amountFen: '金额（分）',
  refundDueFen: '应退金额（分）',
  created: '新建',
  existed: '已存在',
  invalid: '无效',
  length: '字数',
  role: '角色',
  username: '用户名',
  closureId: '注销记录',
  note: '备注',
}

export function auditActionLabel(code: string): string {
  return AUDIT_ACTION_LABELS[code] ?? code
}
