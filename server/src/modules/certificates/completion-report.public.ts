/** What other features use of the completion report (OPS-3): the console's 统计 downloads the same workbook the command writes. */
export { completionWorkbook } from './completion-report.view.ts'
