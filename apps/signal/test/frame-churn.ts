/**
 * A relay's allocation pattern in miniature, run as its own process by gc.test.ts: many
 * sockets, each holding the objects of its newest frame until the next frame replaces them,
 * so most of what one site allocated is still alive when a young collection comes. Prints
 * how many young collections ran. With `--turn-off-pretenuring` it first does what
 * the server does at start-up.
 */
import { constants, PerformanceObserver, type NodeGCPerformanceDetail } from 'node:perf_hooks';
import { turnOffPretenuring } from '../src/gc.ts';

if (process.argv.includes('--turn-off-pretenuring')) turnOffPretenuring();

const SOCKETS = 20_000;
const FRAMES = 6_000_000;

let young = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const { kind } = (entry as unknown as { detail: NodeGCPerformanceDetail }).detail;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) young += 1;
  }
});
observer.observe({ entryTypes: ['gc'] });

const newest: unknown[] = new Array(SOCKETS);
const frame = (n: number) => ({ n, fragments: [n] });
for (let n = 0; n < FRAMES; n++) {
  newest[n % SOCKETS] = frame(n);
  // Let the observer's callbacks run now and then.
  if (n % 100_000 === 0) await new Promise((resolve) => setImmediate(resolve));
}
await new Promise((resolve) => setTimeout(resolve, 50));
observer.disconnect();
process.stdout.write(`${JSON.stringify({ young })}\n`);
