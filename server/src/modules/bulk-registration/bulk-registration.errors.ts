// The TypeBox-free file: these errors are also raised in the parser thread, which needs no schemas.
import { ErrorCode } from '@app/shared/error-codes'
import { defineError } from '../../core/errors.ts'

export const SheetUnreadableError = defineError(ErrorCode.BULK_SHEET_UNREADABLE, '无法读取表格：%s', 400)
export const SheetColumnsMissingError = defineError(ErrorCode.BULK_SHEET_COLUMNS_MISSING, '表格缺少列：%s（第一行应为 姓名、身份证号、手机号、单位）', 400)
export const SheetTooLargeError = defineError(ErrorCode.BULK_SHEET_TOO_LARGE, '一次最多导入 %s 行，请拆分表格后分批导入', 400)
export const SheetChangedError = defineError(ErrorCode.BULK_SHEET_CHANGED, '导入期间有学员自行注册了表格中的身份证号或手机号，本次未创建任何账号；请重新导入（已存在的账号不会重复创建）', 409)
export const SheetFileTooLargeError = defineError(ErrorCode.BULK_SHEET_FILE_TOO_LARGE, '文件超过 %s MB：请只保留 姓名、身份证号、手机号、单位 四列，或拆分表格后分批导入', 413)
export const SheetUnpackedTooLargeError = defineError(
  ErrorCode.BULK_SHEET_UNPACKED_TOO_LARGE,
  '表格解压后超过 %s MB，不像一份单位名单：请只保留 姓名、身份证号、手机号、单位 四列，另存为新的 .xlsx 后重新导入',
  400,
)
export const SheetTooComplexError = defineError(ErrorCode.BULK_SHEET_TOO_COMPLEX, '表格内容过于复杂，未能在限定的时间和内存内读完：请只保留 姓名、身份证号、手机号、单位 四列，另存为新的 .xlsx 或 .csv 后重新导入', 400)
