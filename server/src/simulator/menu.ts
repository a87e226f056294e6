// Rough validation of cgi-bin/menu/create bodies, with WeChat's error codes, so a menu that
// WeChat would reject also fails in development (used by the menu-creation script).
import { isRecord, utf8Bytes } from './util.ts'

const TYPES_NEEDING_KEY = new Set(['click', 'scancode_push', 'scancode_waitmsg', 'pic_sysphoto', 'pic_photo_or_album', 'pic_weixin', 'location_select'])
const OTHER_TYPES = new Set(['view', 'miniprogram', 'media_id', 'view_limited', 'article_id', 'article_view_limited'])

export type MenuError = { errcode: number; errmsg: string }

function checkLeaf(b: Record<string, unknown>, sub: boolean): MenuError | undefined {
  const type = b.type
  if (typeof type !== 'string' || !(TYPES_NEEDING_KEY.has(type) || OTHER_TYPES.has(type))) {
    return sub ? { errcode: 40024, errmsg: 'invalid sub button type' } : { errcode: 40017, errmsg: 'invalid button type' }
  }
  if (TYPES_NEEDING_KEY.has(type) && (typeof b.key !== 'string' || b.key.length === 0 || utf8Bytes(b.key) > 128)) {
    return sub ? { errcode: 40026, errmsg: 'invalid sub button key size' } : { errcode: 40019, errmsg: 'invalid button key size' }
  }
  if ((type === 'view' || type === 'miniprogram') && (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url) || utf8Bytes(b.url) > 1024)) {
    return sub ? { errcode: 40027, errmsg: 'invalid sub button url size' } : { errcode: 40022, errmsg: 'invalid button url size' }
  }
  if (type === 'miniprogram' && (typeof b.appid !== 'string' || typeof b.pagepath !== 'string')) {
    return { errcode: 40165, errmsg: 'invalid weapp pagepath' }
  }
  return undefined
}

export function validateMenu(menu: unknown): MenuError | undefined {
  if (!isRecord(menu) || !Array.isArray(menu.button)) return { errcode: 47001, errmsg: 'data format error' }
  if (menu.button.length < 1 || menu.button.length > 3) return { errcode: 40016, errmsg: 'invalid button size' }
  for (const button of menu.button) {
    if (!isRecord(button)) return { errcode: 47001, errmsg: 'data format error' }
    if (typeof button.name !== 'string' || button.name.length === 0 || utf8Bytes(button.name) > 16) {
      return { errcode: 40018, errmsg: 'invalid button name size' }
    }
    if (button.sub_button !== undefined) {
      if (!Array.isArray(button.sub_button) || button.sub_button.length > 5) return { errcode: 40023, errmsg: 'invalid sub button size' }
      if (button.sub_button.length > 0) {
        for (const sub of button.sub_button) {
          if (!isRecord(sub)) return { errcode: 47001, errmsg: 'data format error' }
          if (typeof sub.name !== 'string' || sub.name.length === 0 || utf8Bytes(sub.name) > 60) {
            return { errcode: 40025, errmsg: 'invalid sub button name size' }
          }
          const err = checkLeaf(sub, true)
          if (err) return err
        }
        continue
      }
    }
    const err = checkLeaf(button, false)
    if (err) return err
  }
  return undefined
}

/** get_current_selfmenu_info wraps sub buttons as {list: […]} (a quirk of that endpoint). */
export function selfMenuInfo(menu: unknown): object {
  if (!isRecord(menu) || !Array.isArray(menu.button)) return { is_menu_open: 0 }
  const button = menu.button.map((b: unknown) => {
    if (isRecord(b) && Array.isArray(b.sub_button) && b.sub_button.length > 0) return { name: b.name, sub_button: { list: b.sub_button } }
    return b
  })
  return { is_menu_open: 1, selfmenu_info: { button } }
}
