/**
 * The Node flags the server runs with, here and in server/package.json's `start` (a test keeps the
 * two in step), so benchmarks and the local cluster measure the server as production runs it.
 *
 * --no-allocation-site-pretenuring: V8 otherwise starts allocating objects from sites whose objects
 * often survive a young-generation collection straight into the old generation. Under the progress
 * reports' load that includes every batch's rows and answers, which are garbage a few
 * milliseconds later; they then pile up in the old generation, and its pointers into the young one
 * keep more young garbage alive at each collection. bench:progress, three runs each way on a quiet
 * machine: young collections 6.6–7.0 ms instead of 9.3–11.1 ms, server CPU per report 309–319 µs
 * instead of 343–357 µs, peak RSS 242–247 MB instead of 263–270 MB (docs/deployment.md).
 *
 * --max-semi-space-size=8 (MB; Node's default here is 16): a young generation half as large. The
 * progress reports' garbage dies within one batch, so a smaller one collects as much per pause;
 * bench:progress's peak RSS was 282–287 MB in five runs with it and 298–310 MB in four without
 * (target ≤ 300 MB), with no change in CPU per report or p99 beyond the runs' spread.
 */
export const SERVER_NODE_FLAGS = ['--enable-source-maps', '--no-allocation-site-pretenuring', '--max-semi-space-size=8']
