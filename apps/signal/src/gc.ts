import { setFlagsFromString } from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring for this process.
 *
 * V8 watches how many objects from each allocation site survive a young-generation
 * collection, and once a site's objects mostly do, allocates them straight in the old
 * generation. Under a relay load the sites that trip it are the per-frame objects of `ws`
 * and Node's streams: each socket's newest frame is still alive when a collection comes, so
 * the site looks long-lived, though every frame is garbage a moment later. From then on
 * every frame's objects (about a megabyte every quarter second at 10k messages/s) land in
 * the old generation, young collections take 3–5 ms instead of 1–2, and a full collection
 * follows every couple of seconds: the latency tail a relayed message sees. Nothing this
 * server keeps is allocated fast enough for pretenuring to pay.
 *
 * Called first thing at start-up; the flag is read whenever V8 takes the decision, so it
 * holds from then on.
 */
export function turnOffPretenuring(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
