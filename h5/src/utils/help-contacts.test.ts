import { HELP_CONTACTS } from '@app/shared/help-contacts'
import { describe, expect, it } from 'vitest'
import { HOTLINE_TEXT, telHref } from './help-contacts.ts'

describe('HELP_CONTACTS', () => {
  it('spells each hotline as the manual does, number and extension included', () => {
    for (const key of ['accountHotline', 'technicalHotline'] as const) {
      const { number, extension, label } = HELP_CONTACTS[key]
      expect(HOTLINE_TEXT[key]).toContain(`${label}：${number}，按${extension}`)
    }
  })

  it('builds tel: links that dial the extension after a pause', () => {
    expect(telHref(HELP_CONTACTS.accountHotline)).toBe('tel:4000239229,1')
    expect(telHref(HELP_CONTACTS.technicalHotline)).toBe('tel:4006187500,2')
  })
})
