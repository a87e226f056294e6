// Plain TypeScript, no TypeBox: the H5 imports this at runtime (`@app/shared/real-name`).

/**
 * 真实姓名 as on the ID card (ACC-1, ACC-5): 2–30 Chinese characters or Latin letters, with the
 * middle dots of minority and foreign names (· • ． .) and spaces between the parts.
 */
const REAL_NAME = /^[\u4e00-\u9fa5A-Za-z·•．.\s]{2,30}$/

/** What 注册 says when a name does not fit the rule. */
export const REAL_NAME_HINT = '请输入与身份证一致的真实姓名（2–30个字）'

/** The name as stored: trimmed, each run of white space made one space. */
export function normaliseRealName(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ')
}

/** Whether a name (normalised first) fits the rule. */
export function isRealName(name: string): boolean {
  return REAL_NAME.test(name)
}
