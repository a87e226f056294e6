// Plain TypeScript, no TypeBox: the H5 imports this at runtime (`@app/shared/money`).

/** Formats integer fen as yuan for display, e.g. 9000 -> "90.00". */
export function formatFen(fen: number): string {
  return (fen / 100).toFixed(2)
}
