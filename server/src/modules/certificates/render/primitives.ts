import type { Weight } from '../../../core/pdf-fonts.ts'

/**
 * What a certificate is drawn from: a few primitives in points on an A4 landscape page, origin top
 * left, y down. The PDF and PNG renderers each translate the same list, so both look alike.
 */
export const PAGE = { width: 841.89, height: 595.28 } as const

export type Primitive =
  | {
      kind: 'text'
      text: string
      /** Baseline anchor; `align` says which part of the line sits on it. */
      x: number
      y: number
      size: number
      weight: Weight
      color: string
      align: 'left' | 'center' | 'right'
      /** Clockwise degrees around the anchor (seal lettering). */
      rotate?: number
    }
  | { kind: 'rect'; x: number; y: number; width: number; height: number; stroke: string; lineWidth: number }
  | { kind: 'circle'; cx: number; cy: number; r: number; stroke: string; lineWidth: number }
  /** An SVG path in page coordinates, filled. */
  | { kind: 'path'; d: string; fill: string }

export interface Artwork {
  width: number
  height: number
  items: Primitive[]
}
