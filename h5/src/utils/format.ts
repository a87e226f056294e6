import { formatFen } from '@app/shared/money'

/** Price for display: 9000 fen → "¥90.00" (the server's formatFen with the ¥ sign). */
export function formatPrice(fen: number): string {
  return `¥${formatFen(fen)}`
}

/** 学时 may be fractional (1.5); whole numbers show without decimals. */
export function formatHours(hours: number): string {
  return Number.isInteger(hours) ? String(hours) : String(Math.round(hours * 10) / 10)
}

/** Video length in Chinese, rounded to minutes: 2700 → "45分钟", 5400 → "1小时30分钟". */
export function formatDuration(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60))
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  if (hours === 0) return `${minutes}分钟`
  return rest === 0 ? `${hours}小时` : `${hours}小时${rest}分钟`
}
