/**
 * The parent side of the load generators: forks them, sends commands and gathers their
 * answers. Each generator is its own process so the server under test keeps its core.
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GENERATOR = join(dirname(fileURLToPath(import.meta.url)), 'generator.mjs');

export async function startGenerators(count) {
  const generators = await Promise.all(
    Array.from({ length: count }, async () => {
      const child = fork(GENERATOR, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let nextId = 1;
      const waiting = new Map();
      let ready;
      const isReady = new Promise((resolve) => (ready = resolve));
      child.on('message', (message) => {
        if (message.ready) return ready();
        waiting.get(message.id)?.(message);
        waiting.delete(message.id);
      });
      child.once('exit', (code) => {
        for (const resolve of waiting.values())
          resolve({ ok: false, error: `generator exited with ${code}` });
        waiting.clear();
      });
      await isReady;
      const send = (cmd, args = {}, timeoutMs = 60_000) =>
        new Promise((resolve, reject) => {
          const id = nextId++;
          const timer = setTimeout(() => {
            waiting.delete(id);
            reject(new Error(`generator ${cmd} timed out`));
          }, timeoutMs);
          waiting.set(id, (message) => {
            clearTimeout(timer);
            if (message.ok) resolve(message);
            else reject(new Error(`generator ${cmd}: ${message.error}`));
          });
          child.send({ cmd, id, ...args });
        });
      return { child, send };
    }),
  );

  /** Sends one command to every generator; `argsFor(index)` may vary the arguments. */
  const all = (cmd, argsFor = () => ({}), timeoutMs) =>
    Promise.all(generators.map((g, index) => g.send(cmd, argsFor(index), timeoutMs)));

  const stop = async () => {
    await Promise.allSettled(generators.map((g) => g.send('close', {}, 5_000)));
    for (const g of generators) if (g.child.exitCode === null) g.child.kill('SIGKILL');
  };

  return { all, stop };
}

export const sumOf = (results, key) => results.reduce((total, r) => total + r[key], 0);

export function mergeErrors(results) {
  const errors = {};
  for (const r of results)
    for (const [code, n] of Object.entries(r.errors ?? {})) errors[code] = (errors[code] ?? 0) + n;
  return errors;
}
