import { ConfigError, parseInteger, read, type AppEnv, type Env } from '../../core/config-reading.ts'
import type { AntiIdleSettings } from './anti-idle.rules.ts'

/** The learning feature's settings: the 防挂机 interval, how long raw progress reports are kept. */
export interface LearningConfig {
  antiIdle: AntiIdleSettings
  /** Days raw progress reports are kept (their day partitions are then dropped; docs/deployment.md). */
  rawRetentionDays: number
  /** How long a batch of progress reports waits to fill before it starts (ms). */
  batchWaitMs: number
}

export const DEFAULT_RAW_RETENTION_DAYS = 35

/**
 * PROGRESS_RAW_RETENTION_DAYS: days a raw progress report (and its stored answer) is kept for
 * resends, disputes and audits before its partition is dropped; what was credited stays in
 * credited_segments for good. At least 2 days: a resend must still find its first answer.
 */
export function parseRawRetentionDays(env: Env): number {
  return parseInteger(env, 'PROGRESS_RAW_RETENTION_DAYS', DEFAULT_RAW_RETENTION_DAYS, 2, 3650)
}

export const DEFAULT_BATCH_WAIT_MS = 8

/**
 * PROGRESS_BATCH_WAIT_MS: how long the first report of a batch waits for others to join it before
 * the batch's transaction starts (it starts sooner once 40 have arrived). Every transaction costs
 * the server and the database a fixed amount, so fuller batches cost less CPU per report, and each
 * report is answered up to this much later (learners report every 10 s and never see it). At
 * 2,000 reports/s, 8 ms gives ~15–16 reports per transaction. 8 and 12 ms were compared in
 * alternating runs twice: on a busier machine 12 ms cost less CPU and had the lower p99; on a quiet
 * one the CPU was the same within noise and 8 ms had the lower p99 (18–25 against 21–33 ms), which
 * is the figure the service is held to (docs/deployment.md, "Fifth pass" and "Sixth pass"). 0 starts
 * every batch as soon as it can.
 */
export function parseBatchWaitMs(env: Env): number {
  return parseInteger(env, 'PROGRESS_BATCH_WAIT_MS', DEFAULT_BATCH_WAIT_MS, 0, 100)
}

/**
 * Credited viewing seconds between 防挂机 questions: a range "min-max" (each gap drawn at random in
 * it, so a script cannot time the next one) or one number for a fixed gap ("20" = "20-20").
 */
export function parseAntiIdle(env: Env, appEnv: AppEnv): AntiIdleSettings {
  const raw = read(env, 'ANTI_IDLE_INTERVAL_SECONDS') ?? (appEnv === 'production' ? '300-900' : '30-90')
  const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(raw)
  const min = Number(match?.[1])
  const max = Number(match?.[2] ?? match?.[1])
  if (!match || min < 5 || max < min) {
    throw new ConfigError(
      `ANTI_IDLE_INTERVAL_SECONDS must be seconds of viewing between questions, a range "min-max" or one number, at least 5, e.g. ANTI_IDLE_INTERVAL_SECONDS=60-180 or ANTI_IDLE_INTERVAL_SECONDS=20 (got "${raw}")`,
    )
  }
  return { minSeconds: min, maxSeconds: max }
}
