import { sql, type SQL } from 'drizzle-orm'

/**
 * A hand-written statement with numbered parameters ($1, $2, …), for the few statements that run
 * for every progress batch. Drizzle's `sql` template builds a tree of chunks that its dialect walks
 * again at every execution to produce the same text; on the hottest path that walk showed in the
 * server's profile under bench:progress (docs/deployment.md, "Sixth pass"). Here the text is made
 * once per call site (a template's strings array is the same object at every call) and only the
 * values change.
 */
export interface Statement {
  readonly text: string
  readonly params: readonly unknown[]
  /** The template's strings: lets the embedded database run it through drizzle (`asSql`). */
  readonly strings: TemplateStringsArray
}

const texts = new WeakMap<TemplateStringsArray, string>()

/** `statement\`select … where id = any(${ids}::int[])\`` → text with $1 … and the values in order. */
export function statement(strings: TemplateStringsArray, ...params: unknown[]): Statement {
  let text = texts.get(strings)
  if (text === undefined) {
    text = strings.reduce((sofar, part, i) => `${sofar}$${i}${part}`)
    texts.set(strings, text)
  }
  return { text, params, strings }
}

/** The same statement as a drizzle SQL object (the embedded database, tests, `explain`). */
export function asSql(st: Statement): SQL {
  return sql(st.strings, ...st.params)
}
