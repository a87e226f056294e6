// Plain TypeScript, no TypeBox: the H5 imports this at runtime (`@app/shared/learning-policy`).
// The learning rules both sides state the same way (docs/learning.md).

/** Wrong 防挂机 answers in a row that withdraw the chapter's credit since the last right answer. */
export const WRONG_ANSWERS_BEFORE_WITHDRAWAL = 3

/** Upper bounds of a progress report: far above any real chapter or session, far below int32. */
export const REPORT_LIMITS = {
  /** 10 s reports for 100 days. */
  maxSeq: 1_000_000,
  /** 24 hours of video. */
  maxPositionSeconds: 86_400,
  /** 7 days since the session opened. */
  maxClientElapsedMs: 7 * 86_400_000,
} as const
