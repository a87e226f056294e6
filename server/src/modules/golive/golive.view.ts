import type { GoLiveReport, Verdict } from './golive.types.ts'

const MARK: Record<Verdict, string> = { pass: '✔ PASS', warn: '! WARN', fail: '✘ FAIL', skip: '- SKIP' }

/** The report as the CLI prints it: one block per item, Chinese then English, the fix indented. */
export function formatGoLiveReport(report: GoLiveReport): string {
  const lines = [`上线检查 / Go-live check — ${report.mode === 'live' ? '正式微信 / real WeChat' : '模拟器 / simulator'} — ${report.publicBaseUrl} — ${report.checkedAt}`, '']
  for (const entry of report.items) {
    lines.push(`${MARK[entry.verdict]}  ${entry.title.zh} / ${entry.title.en}`)
    lines.push(`        ${entry.detail.zh}`)
    lines.push(`        ${entry.detail.en}`)
    if (entry.fix && entry.verdict !== 'pass') {
      lines.push(`        → ${entry.fix.zh}`)
      lines.push(`        → ${entry.fix.en}`)
    }
  }
  const failed = report.items.filter((entry) => entry.verdict === 'fail').length
  const warned = report.items.filter((entry) => entry.verdict === 'warn').length
  lines.push('')
  lines.push(report.ok
    ? `通过（${warned} 项提醒）/ Passed (${warned} warning(s))`
    : `未通过：${failed} 项失败 / Failed: ${failed} item(s)`)
  return lines.join('\n')
}
