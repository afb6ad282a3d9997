/**
 * Before/after for proposed server changes: `node bench/variants.mjs [--quick] a.diff ...`
 * copies apps/signal/src, applies each patch (paths as in the repo, `git diff` style),
 * bundles it, and measures it against the current server in alternating repetitions:
 * CPU per relayed message, CPU per call set-up, idle heap and RSS per peer.
 * Nothing in apps/signal is changed. Flags: --quick (1 repetition), --repetitions=N,
 * --no-idle (CPU figures only).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { bundleServer, CACHE_DIR, ensureRunnableBundle, REPO_DIR, SERVERS } from './lib/server.mjs';
import { formatTable, median } from './lib/stats.mjs';
import { idleRepetition, relayRepetition } from './suites/relay.mjs';
import { DEFAULTS } from './config.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const withIdle = !args.includes('--no-idle');
const repetitions = Number(args.find((a) => a.startsWith('--repetitions='))?.slice(14) ?? (quick ? 1 : 3));
const patches = args.filter((a) => !a.startsWith('--')).map((p) => resolve(p));
const config = {
  ...DEFAULTS,
  repetitions,
  warmupMs: 1_000,
  durationMs: quick ? 2_000 : 3_000,
};

async function buildVariant(patch) {
  const name = basename(patch).replace(/\.(diff|patch)$/, '');
  // Under a dist/ folder, which the repo's lint and format checks skip.
  const root = join(CACHE_DIR, 'dist', 'variants', name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'apps/signal'), { recursive: true });
  cpSync(join(REPO_DIR, 'apps/signal/src'), join(root, 'apps/signal/src'), { recursive: true });
  symlinkSync(join(REPO_DIR, 'apps/signal/node_modules'), join(root, 'apps/signal/node_modules'), 'dir');
  execFileSync('patch', ['-p1', '-s', '-d', root, '-i', patch], { stdio: 'inherit' });
  const outfile = join(root, 'apps/signal/dist/server.mjs');
  await bundleServer(
    join(root, 'apps/signal/src/server.ts'),
    outfile,
    join(REPO_DIR, 'apps/signal/node_modules'),
  );
  SERVERS[name] = outfile;
  return name;
}

async function main() {
  execFileSync('pnpm', ['--filter', '@app/signal', 'build'], { cwd: REPO_DIR, stdio: 'ignore' });
  await ensureRunnableBundle();
  const names = [];
  for (const patch of patches) names.push(await buildVariant(patch));
  const kinds = ['ours', ...names];
  const runs = Object.fromEntries(kinds.map((k) => [k, { relay: [], idle: [] }]));
  for (let rep = 0; rep < config.repetitions; rep++) {
    for (const kind of kinds) {
      runs[kind].relay.push(await relayRepetition({ kind, config }));
      if (withIdle) runs[kind].idle.push(await idleRepetition({ kind, config }));
      const r = runs[kind].relay.at(-1);
      const i = runs[kind].idle.at(-1) ?? { heapPerPeerBytes: Number.NaN, rssPerPeerBytes: Number.NaN };
      console.log(
        `${kind} #${rep + 1}: ${r.cpuPerMessageMicros.toFixed(2)} µs/msg, ${r.cpuPerSetupMicros.toFixed(0)} µs/set-up, ` +
          `heap ${(i.heapPerPeerBytes / 1024).toFixed(2)} KiB/peer, RSS ${(i.rssPerPeerBytes / 1024).toFixed(2)} KiB/peer`,
      );
    }
  }
  const m = (kind, part, key) => median(runs[kind][part].map((r) => r[key]));
  const rows = names.flatMap((name) =>
    [
      ['server CPU per relayed message', 'relay', 'cpuPerMessageMicros', 'µs', 1],
      ['server CPU per call set-up', 'relay', 'cpuPerSetupMicros', 'µs', 1],
      ['idle heap per peer', 'idle', 'heapPerPeerBytes', 'KiB', 1024],
      ['idle RSS per peer', 'idle', 'rssPerPeerBytes', 'KiB', 1024],
    ].map(([figure, part, key, unit, scale]) => ({
      figure: `${name}: ${figure}`,
      ours: m(name, part, key) / scale,
      baseline: m('ours', part, key) / scale,
      unit,
    })),
  );
  console.log(
    `\nPatched server ("ours" column) against the current one ("baseline" column), median of ${config.repetitions}:\n`,
  );
  console.log(formatTable(rows));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
