// Fault injection (docs/wechat-protocol.md §3.13, items 6 and 8). Each fault is one-shot (consumed by the
// first response or notification it applies to) or sticky (applies until cleared). A fault can be
// aimed at API responses or notifications; untargeted ones hit whichever comes first.

export const FAULT_NAMES = [
  'duplicate', 'outOfOrder', 'probe', 'badSignature', 'delayMs', 'amountMismatch',
  'serverError', 'rateLimited', 'timeoutMs', 'unsignedResponse', 'wrongSerial', 'staleTimestamp',
  'apiSystemBusy',
] as const
export type FaultName = (typeof FAULT_NAMES)[number]
export type FaultTarget = 'response' | 'notification'

export interface FaultSpec {
  name: FaultName
  /** Numeric faults: duplicate = copies, delayMs / timeoutMs = ms, amountMismatch = fen added,
   *  staleTimestamp = seconds in the past, outOfOrder = ms to hold the first notification. */
  value?: number | true
  sticky?: boolean
  target?: FaultTarget
}

export interface ActiveFault { name: FaultName; value: number | true; sticky: boolean; target?: FaultTarget }

export interface FaultControl {
  set(name: FaultName, value?: number | true, options?: { sticky?: boolean; target?: FaultTarget }): void
  clear(name?: FaultName): void
  list(): ActiveFault[]
  /** Returns the fault's value and consumes it when one-shot; undefined when not active. */
  take(name: FaultName, target?: FaultTarget): number | true | undefined
}

const DEFAULTS: Partial<Record<FaultName, number>> = {
  duplicate: 2, delayMs: 1000, amountMismatch: 1, timeoutMs: 10_000, staleTimestamp: 600, outOfOrder: 3000,
}

export function isFaultName(value: unknown): value is FaultName {
  return typeof value === 'string' && (FAULT_NAMES as readonly string[]).includes(value)
}

/** Numeric value of a fault, falling back to its default when it was set as `true`. */
export function faultNumber(name: FaultName, value: number | true): number {
  return value === true ? (DEFAULTS[name] ?? 1) : value
}

export function createFaults(): FaultControl {
  const active = new Map<FaultName, ActiveFault>()
  return {
    set(name, value = true, options = {}) {
      const fault: ActiveFault = { name, value, sticky: options.sticky === true }
      if (options.target) fault.target = options.target
      active.set(name, fault)
    },
    clear(name) {
      if (name) active.delete(name)
      else active.clear()
    },
    list() {
      return [...active.values()].map((f) => ({ ...f }))
    },
    take(name, target) {
      const fault = active.get(name)
      if (!fault) return undefined
      if (fault.target && target && fault.target !== target) return undefined
      if (!fault.sticky) active.delete(name)
      return fault.value
    },
  }
}
