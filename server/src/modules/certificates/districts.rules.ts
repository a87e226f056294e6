import { areaList } from '@vant/area-data'
import type { District } from '@app/shared'

/**
 * Chongqing's 区县 with their GB/T 2260 codes (5001xx districts, 5002xx counties), read from
 * @vant/area-data — the Vant team's maintained division data — instead of a hand-typed list.
 */
export const CHONGQING_DISTRICTS: readonly District[] = Object.freeze(
  Object.entries(areaList.county_list)
    .filter(([code]) => /^500[12]\d\d$/.test(code) && !code.endsWith('00'))
    .map(([code, name]) => ({ code, name }))
    .sort((a, b) => a.code.localeCompare(b.code)),
)

const BY_CODE = new Map(CHONGQING_DISTRICTS.map((d) => [d.code, d.name]))

export function districtName(code: string): string | undefined {
  return BY_CODE.get(code)
}
