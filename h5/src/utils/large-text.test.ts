import { describe, expect, it } from 'vitest'
import { LARGE_TEXT_CLASS, largeTextStored, restoreLargeText, setLargeText } from './large-text.ts'

function memoryStore() {
  const data = new Map<string, string>()
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) }
}

function fakeRoot() {
  const classes = new Set<string>()
  return {
    classes,
    root: { classList: { toggle: (name: string, on: boolean) => (on ? classes.add(name) : classes.delete(name)) } } as unknown as HTMLElement,
  }
}

describe('大字模式', () => {
  it('is off on a device that never chose it', () => {
    const { root, classes } = fakeRoot()
    expect(restoreLargeText(root, memoryStore())).toBe(false)
    expect(classes.has(LARGE_TEXT_CLASS)).toBe(false)
  })

  it('is remembered on the device and applied again at the next start', () => {
    const store = memoryStore()
    const first = fakeRoot()
    setLargeText(true, first.root, store)
    expect(first.classes.has(LARGE_TEXT_CLASS)).toBe(true)

    const next = fakeRoot()
    expect(restoreLargeText(next.root, store)).toBe(true)
    expect(next.classes.has(LARGE_TEXT_CLASS)).toBe(true)

    setLargeText(false, next.root, store)
    expect(next.classes.has(LARGE_TEXT_CLASS)).toBe(false)
    expect(largeTextStored(store)).toBe(false)
  })

  it('still switches the page when storage refuses to write', () => {
    const { root, classes } = fakeRoot()
    const refusing = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
    }
    setLargeText(true, root, refusing)
    expect(classes.has(LARGE_TEXT_CLASS)).toBe(true)
  })
})
