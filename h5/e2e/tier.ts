/**
 * CI (CI=true, which .ci/run sets) runs the exhaustive browser checks; a contributor's
 * `pnpm test` runs the quick tier, which still covers every feature once, and E2E_EXHAUSTIVE=1
 * asks for CI's. What the quick tier leaves to CI: the 1.3× text-zoom pass of the accessibility
 * tour (1.6× covers enlarged text) and the layout tour's full-page screenshots (an artefact,
 * not a check).
 */
const flag = (value: string | undefined) => Boolean(value) && value !== 'false' && value !== '0'

export const EXHAUSTIVE = flag(process.env.CI) || flag(process.env.E2E_EXHAUSTIVE)
