/** 计划完成度: hours counted over hours required, rounded down, and what is left (LRN-2). */
export function planProgress(requiredHours: number, countedHours: number) {
  const counted = Math.round(countedHours * 10) / 10
  return {
    countedHours: counted,
    remainingHours: Math.max(0, Math.round((requiredHours - counted) * 10) / 10),
    percent: requiredHours <= 0 ? 100 : Math.min(100, Math.floor((counted / requiredHours) * 100)),
  }
}
