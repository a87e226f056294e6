/**
 * 姓名 as on the ID card (ACC-1, ACC-5): 2–30 Chinese or Latin letters, spaces and the middle dot
 * of a transliterated name. One rule for 注册, 修改资料, bulk registration and the H5's forms. No
 * TypeBox here: the H5 imports this file alone.
 */
export const REAL_NAME_PATTERN = /^[\u4e00-\u9fa5A-Za-z·•．.\s]{2,30}$/

/** What 注册 says, on the server and in the H5, when a name does not fit the rule. */
export const REAL_NAME_HINT = '请输入与身份证一致的真实姓名（2–30个字）'

/** The name as stored: trimmed, runs of white space made one space. */
export function normaliseRealName(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ')
}

/** Whether an already normalised name passes the rule. */
export function isRealName(name: string): boolean {
  return REAL_NAME_PATTERN.test(name)
}
