/**
 * Starts a server under test as its own child process with the probe preloaded, waits
 * until it accepts connections, and talks to the probe over IPC.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const BENCH_DIR = join(here, '..');
export const REPO_DIR = join(BENCH_DIR, '..');
export const CACHE_DIR = join(BENCH_DIR, '.cache');
export const PROBE = join(here, 'probe.mjs');

export const OURS_DIST = join(REPO_DIR, 'apps/signal/dist/server.js');

/** Entry points by kind; `ours` may be pointed at a bench-built bundle (see ensureRunnableBundle). */
export const SERVERS = {
  ours: OURS_DIST,
  bare: join(BENCH_DIR, 'baseline/bare-relay.mjs'),
};

/**
 * A production bundle built with every package external would import `@app/protocol`
 * (TypeScript source), which Node 20 cannot load. In that case build the same entry the
 * same way with workspace packages inlined, so the server code itself can be measured.
 * Returns a note when the fallback was used.
 */
export async function ensureRunnableBundle() {
  SERVERS.ours = OURS_DIST;
  if (!/from\s*["']@app\//.test(readFileSync(OURS_DIST, 'utf8'))) return null;
  // Under a dist/ folder, which the repo's lint and format checks skip.
  const outfile = join(CACHE_DIR, 'signal/dist/server.mjs');
  await bundleServer(
    join(REPO_DIR, 'apps/signal/src/server.ts'),
    outfile,
    join(REPO_DIR, 'apps/signal/node_modules'),
  );
  SERVERS.ours = outfile;
  return 'apps/signal/dist/server.js imports @app/protocol as TypeScript, which Node 20 cannot load; measured the same src/server.ts bundled by the bench with @app/protocol inlined';
}

/**
 * Bundles a server entry like apps/signal's build (esbuild, ESM, node20, workspace packages
 * and zod inlined, other npm packages external), and links `modules` beside the output
 * so its bare imports resolve.
 */
export async function bundleServer(entry, outfile, modules) {
  const require = createRequire(join(REPO_DIR, 'apps/signal/package.json'));
  const esbuild = require('esbuild');
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'silent',
    plugins: [
      {
        name: 'external-npm-packages',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) =>
            /^(@app\/|zod(\/|$))/.test(args.path) ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  const link = join(dirname(outfile), 'node_modules');
  if (!existsSync(link)) symlinkSync(modules, link, 'dir');
}

/** A free TCP port on 127.0.0.1 (asks the kernel, then releases it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Servers still running; a detached child would outlive an interrupted benchmark otherwise. */
const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => process.exit(130));
}

/**
 * @param {{ kind: 'ours' | 'bare', env?: Record<string,string>, cpuProfDir?: string, label?: string }} options
 */
export async function startServer({ kind, env = {}, cpuProfDir, label = kind }) {
  const port = await freePort();
  const logDir = join(CACHE_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  // The server writes its log straight to a file: through a pipe, a busy benchmark parent
  // would fill it and pino's synchronous writes would stall the server we are measuring.
  const logPath = join(logDir, `${label}-${port}.log`);
  const logFd = openSync(logPath, 'w');
  const args = ['--expose-gc', '--import', PROBE];
  if (cpuProfDir) args.push('--cpu-prof', '--cpu-prof-dir', cpuProfDir);
  args.push(SERVERS[kind]);
  const child = spawn(process.execPath, args, {
    cwd: REPO_DIR,
    // Its own session, hence its own scheduler autogroup: on a machine shared with other
    // work, the server gets a fair share of its own instead of splitting one with the load
    // generators (the nearest thing to its own core without pinning).
    detached: true,
    stdio: ['ignore', logFd, logFd, 'ipc'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      ALLOWED_ORIGINS: `http://127.0.0.1:${port}`,
      // Every load generator connects from 127.0.0.1: thousands of sockets from one address
      // would be refused by the per-address limits a real server keeps.
      ADDRESS_MAX_SOCKETS: '0',
      ADDRESS_NEW_SOCKETS_PER_MINUTE: '0',
      // Explicit, so a bench-built bundle outside apps/signal serves the same web app.
      WEB_ROOT: join(REPO_DIR, 'apps/web/dist'),
      ...env,
    },
  });
  closeSync(logFd);
  let exited = null;
  running.add(child);
  child.once('exit', (code, signal) => {
    exited = { code, signal };
    running.delete(child);
  });

  let nextId = 1;
  const waiting = new Map();
  child.on('message', (message) => {
    if (message?.bench !== 'probe') return;
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  const probe = (cmd, args = {}, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`${label}: probe ${cmd} timed out`));
      }, timeoutMs);
      waiting.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      child.send({ bench: 'probe', cmd, id, ...args });
    });

  const deadline = Date.now() + 20_000;
  while (!(await canConnect(port))) {
    if (exited) throw new Error(`${label} server exited (${JSON.stringify(exited)}); see ${logPath}`);
    if (Date.now() > deadline) throw new Error(`${label} server did not listen within 20 s; see ${logPath}`);
    await sleep(100);
  }

  return {
    kind,
    label,
    port,
    pid: child.pid,
    origin: `http://127.0.0.1:${port}`,
    probe,
    get exited() {
      return exited;
    },
    /** Stops the server; with a CPU profile, asks it to exit normally so the profile is written. */
    async stop() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      if (cpuProfDir) {
        await probe('exit').catch(() => {});
      } else {
        child.kill('SIGTERM');
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
