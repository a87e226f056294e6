import { describe, expect, it } from 'vitest'
import { isValidLinkSignature, signLink } from './signed-links.ts'

const at = new Date('2026-03-01T08:00:00Z')
const later = (seconds: number) => new Date(at.getTime() + seconds * 1000)

function parts(link: string): { expires: number; sig: string } {
  const query = new URL(link, 'http://x').searchParams
  return { expires: Number(query.get('expires')), sig: query.get('sig') ?? '' }
}

describe('signed links', () => {
  const link = signLink('key-1', 'invoice-file:7', '/api/invoices/files/7/invoice.pdf', 30 * 60, at)

  it('open the one subject they were signed for, until they expire', () => {
    const { expires, sig } = parts(link)
    expect(link.startsWith('/api/invoices/files/7/invoice.pdf?expires=')).toBe(true)
    expect(isValidLinkSignature('key-1', 'invoice-file:7', expires, sig, later(29 * 60))).toBe(true)
    expect(isValidLinkSignature('key-1', 'invoice-file:7', expires, sig, later(31 * 60))).toBe(false)
  })

  it('refuse another subject, another key, a moved expiry and a changed signature', () => {
    const { expires, sig } = parts(link)
    expect(isValidLinkSignature('key-1', 'invoice-file:8', expires, sig, at)).toBe(false)
    expect(isValidLinkSignature('key-2', 'invoice-file:7', expires, sig, at)).toBe(false)
    expect(isValidLinkSignature('key-1', 'invoice-file:7', expires + 60, sig, at)).toBe(false)
    const changed = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`
    expect(isValidLinkSignature('key-1', 'invoice-file:7', expires, changed, at)).toBe(false)
    expect(isValidLinkSignature('key-1', 'invoice-file:7', Number.NaN, sig, at)).toBe(false)
  })
})
