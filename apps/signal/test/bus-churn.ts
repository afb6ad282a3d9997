/**
 * The bus's per-turn batching under a relay load, run as its own process by gc.test.ts
 * with `--trace-gc-nvp`: each turn queues a burst of signals for another process and the
 * bus publishes them once the turn ends (to a stand-in for Redis that answers at once).
 * Nothing outlives its turn, so once warm, a young collection should find nothing to
 * promote. V8 prints a line for each collection; after the warm-up this prints `warm`.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { Bus, type BusMessage } from '../src/rooms/redis/Bus.ts';
import { RedisKeys } from '../src/rooms/redis/keys.ts';

const WARM_UP_TURNS = 2_000;
const TURNS = 5_000;
const PER_TURN = 40;

const commands = { status: 'ready', publish: () => Promise.resolve(1) } as unknown as Redis;
const subscriber = { on: () => subscriber } as unknown as Redis;
const log = { warn: () => undefined } as unknown as FastifyBaseLogger;

const bus = new Bus({
  commands,
  subscriber,
  keys: new RedisKeys(),
  processId: 'here',
  log,
  onMessage: () => undefined,
});

const signal = (turn: number, i: number): BusMessage =>
  ({
    kind: 'event',
    to: `peer-${i}-aaaaaaaaaaaaaaaa`,
    event: {
      type: 'signal',
      from: `peer-${i}-bbbbbbbbbbbbbbbb`,
      data: {
        candidate: {
          candidate: `candidate:${turn} 1 udp 2122260223 192.0.2.${i} ${40_000 + i} typ host generation 0`,
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      },
    },
  }) as BusMessage;

for (let turn = 0; turn < TURNS; turn++) {
  if (turn === WARM_UP_TURNS) process.stdout.write('warm\n');
  for (let i = 0; i < PER_TURN; i++) bus.send('there', signal(turn, i));
  // The bus publishes in its own setImmediate, queued before this one.
  await new Promise((resolve) => setImmediate(resolve));
}
