/**
 * What every configuration parser shares: the error that stops start-up with one line naming the
 * bad variable (app/server.ts prints it), and the readers of one variable. Only app/app.config.ts
 * and the features' `<feature>.config.ts` files read the environment (lint enforces it); they get
 * it as an `Env` from app/app.config.ts and never touch process.env themselves.
 */

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export type Env = Record<string, string | undefined>

export type AppEnv = 'development' | 'production'

/** The variable's value, trimmed; undefined when unset or empty. */
export function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

/** A good value of each URL variable, shown in the message when one is wrong. */
const URL_EXAMPLES: Record<string, string> = {
  DATABASE_URL: 'postgres://app:secret@127.0.0.1:5432/jxjy',
  PUBLIC_BASE_URL: 'https://jxjy.example.cn',
}

export function parseUrl(name: string, raw: string, protocols: string[]): URL {
  const example = `e.g. ${name}=${URL_EXAMPLES[name] ?? `${protocols[0]}//host.example.cn`}`
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name} is not a valid URL, ${example}`)
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, ${example}`)
  }
  return url
}

/** true or false (and nothing else: a typo must not silently mean false). */
export function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(`${name} must be "true" or "false", e.g. ${name}=${String(fallback)} (got "${raw}")`)
  return raw === 'true'
}

export function parseInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name) ?? String(fallback)
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, e.g. ${name}=${fallback} (got "${raw}")`)
  }
  return value
}
