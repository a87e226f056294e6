import type { Primitive } from './primitives.ts'

export const SEAL_RED = '#d7261e'

export interface SealSettings {
  /** Lettering around the top arc, e.g. the issuer's name and 「继续教育专用章」. */
  text: string
  /** Development default: the seal says 「样章」 so it can never pass for a real one. */
  sample: boolean
}

function starPath(cx: number, cy: number, outer: number): string {
  const inner = outer * 0.382
  const points: string[] = []
  for (let i = 0; i < 10; i++) {
    const radius = i % 2 === 0 ? outer : inner
    const angle = (Math.PI / 5) * i - Math.PI / 2
    points.push(`${(cx + radius * Math.cos(angle)).toFixed(2)} ${(cy + radius * Math.sin(angle)).toFixed(2)}`)
  }
  return `M ${points.join(' L ')} Z`
}

/** An electronic seal drawn as vectors: red ring, star, lettering on the arc and (sample) 「样章」. */
export function sealPrimitives(cx: number, cy: number, r: number, settings: SealSettings): Primitive[] {
  const items: Primitive[] = [
    { kind: 'circle', cx, cy, r, stroke: SEAL_RED, lineWidth: r * 0.05 },
    { kind: 'path', d: starPath(cx, cy, r * 0.3), fill: SEAL_RED },
  ]
  const chars = [...settings.text]
  // Up to 250° of arc; long names get smaller letters rather than overlapping ones.
  const maxSpan = (250 * Math.PI) / 180
  const size = Math.min(r * 0.24, (maxSpan * r * 0.72) / (Math.max(chars.length, 1) * 1.08))
  const baseRadius = r * 0.92 - size
  const span = Math.min(250, chars.length * ((size * 1.08) / baseRadius) * (180 / Math.PI))
  chars.forEach((ch, i) => {
    const angle = -span / 2 + (span * (i + 0.5)) / chars.length
    const rad = (angle * Math.PI) / 180
    items.push({
      kind: 'text',
      text: ch,
      x: cx + baseRadius * Math.sin(rad),
      y: cy - baseRadius * Math.cos(rad),
      size,
      weight: 'bold',
      color: SEAL_RED,
      align: 'center',
      rotate: angle,
    })
  })
  if (settings.sample) {
    const size = r * 0.3
    items.push({ kind: 'text', text: '样章', x: cx, y: cy + r * 0.68, size, weight: 'bold', color: SEAL_RED, align: 'center' })
  }
  return items
}

