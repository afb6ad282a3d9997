/**
 * `pnpm bench`: measures the signaling server and the web app, each figure beside a
 * baseline measured in the same run on the same machine, prints the table and writes
 * bench/results.json. Flags: --quick (1 repetition, shorter windows), --only=relay,idle,
 * redis,browser,bundle,transfer,gigabyte,soak,topology, --no-build (use the existing dist folders), --profile
 * (one extra relay run per server, CPU-profiled in its measured windows; hot functions printed
 * and written to results.json; and the newcomer's page of each two-browser call, written to
 * bench/profiles/newcomer-N.cpuprofile), --heap (heap snapshot of each server holding the idle peers;
 * with soak, snapshots of the pages and the server at the start and end, and their diff).
 * The soak suite (about 12 minutes) and the topology suite (mesh against the Janus media
 * server at 2 … 6 people: uplink and CPU per participant, Janus CPU per forwarded stream;
 * about 5 minutes, needs root and janus) run only when named in --only.
 * Env: BENCH_FIXED_RATE (messages/s offered in the latency phase), BENCH_TOPOLOGY_CAPTURE
 * (camera size of the topology suite, default 640x360).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { ensureRunnableBundle, freePort, BENCH_DIR, REPO_DIR, SERVERS, startServer } from './lib/server.mjs';
import { benchConfig } from './config.mjs';
import { formatTable, median } from './lib/stats.mjs';
import { heapByConstructor } from './lib/heap.mjs';
import { readProfile, selfTimes, selfTimesByModule } from './lib/profile.mjs';
import { idleRepetition, relayRepetition } from './suites/relay.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const build = !args.includes('--no-build');
const profile = args.includes('--profile');
const heap = args.includes('--heap');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
// Minutes long (soak), or needing root and Janus and doubling the run (topology): only when
// asked for by name.
const LONG_SUITES = ['soak', 'topology'];
const wants = (suite) => (only ? only.includes(suite) : !LONG_SUITES.includes(suite));

const config = benchConfig({ quick });
const PROFILE_DIR = join(BENCH_DIR, 'profiles');
if (profile) {
  rmSync(PROFILE_DIR, { recursive: true, force: true });
  mkdirSync(PROFILE_DIR, { recursive: true });
}
const started = performance.now();
const log = (text) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}`);

function run(command, commandArgs) {
  execFileSync(command, commandArgs, {
    cwd: REPO_DIR,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
}

/** Builds what the figures need; returns why something is unavailable, by name. */
function prepare() {
  const missing = {};
  const builds = [
    ['ours', '@app/signal', 'apps/signal/src/server.ts', SERVERS.ours],
    ['web', '@app/web', 'apps/web/index.html', join(REPO_DIR, 'apps/web/dist/index.html')],
  ];
  for (const [name, pkg, source, output] of builds) {
    if (build && existsSync(join(REPO_DIR, source))) {
      log(`building ${pkg}`);
      try {
        run('pnpm', ['--filter', pkg, 'build']);
      } catch (error) {
        missing[name] = `build of ${pkg} failed: ${String(error.stderr ?? error)
          .split('\n')
          .slice(-3)
          .join(' ')}`;
        continue;
      }
    }
    if (!existsSync(output)) missing[name] = `${output.replace(`${REPO_DIR}/`, '')} does not exist yet`;
  }
  return missing;
}

/** Runs `fn(kind)` for bare and ours alternately, `repetitions` times; errors per kind are kept. */
/**
 * Runs `fn(kind)` for each kind alternately, `repetitions` times. On a slow (shared)
 * machine it stops after a full round once `budgetSeconds` are spent, so the whole run stays
 * under 10 minutes; `short` records how many rounds were done instead.
 */
async function alternate(kinds, repetitions, fn, budgetSeconds = Infinity) {
  const results = Object.fromEntries(kinds.map((k) => [k, []]));
  const errors = {};
  const suiteStart = performance.now();
  for (let rep = 0; rep < repetitions; rep++) {
    if (rep > 0 && (performance.now() - suiteStart) / 1000 > budgetSeconds) {
      log(`time budget of ${budgetSeconds} s spent: ${rep} of ${repetitions} repetitions`);
      shortened.push(`${kinds.join('/')}: ${rep} of ${repetitions} repetitions (time budget)`);
      break;
    }
    for (const kind of kinds) {
      if (errors[kind]) continue;
      try {
        const result = await fn(kind, rep);
        // The machine is shared: each repetition keeps the load it ran under.
        result.load1 = loadavg()[0];
        results[kind].push(result);
        log(`${kind} #${rep + 1}: ${summary(result)}`);
      } catch (error) {
        errors[kind] = String(error?.message ?? error).split('\n')[0];
        log(`${kind} failed: ${errors[kind]}`);
      }
    }
  }
  return { results, errors };
}

const shortened = [];
const failures = {};

/** One suite failing (a server that will not start, a browser that crashes) must not lose the others. */
async function guarded(suite, run) {
  try {
    await run();
  } catch (error) {
    failures[suite] = String(error?.stack ?? error);
    log(`${suite} failed: ${String(error?.message ?? error).split('\n')[0]}`);
  }
}

function summary(result) {
  return Object.entries(result)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(3)}`)
    .join(' ');
}

/**
 * How far apart the repetitions were: ours/baseline of each round (runs of one round are
 * back to back, so they shared the machine's load), and the 1-minute load over the rounds.
 * A change smaller than this spread is within the machine's noise.
 */
function spread(ours, baseline, key) {
  const ratios = (ours ?? [])
    .map((o, i) => o[key] / baseline?.[i]?.[key])
    .filter((r) => Number.isFinite(r))
    .sort((a, b) => a - b);
  const loads = [...(ours ?? []), ...(baseline ?? [])]
    .map((r) => r.load1)
    .filter((l) => Number.isFinite(l))
    .sort((a, b) => a - b);
  const parts = [];
  if (ratios.length > 1)
    parts.push(`rounds ${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)}x`);
  if (loads.length)
    parts.push(`load ${loads[0].toFixed(1)}–${loads[loads.length - 1].toFixed(1)} on ${cpus().length} cores`);
  return parts.join(', ');
}
const withSpread = (row, ours, baseline, key) => {
  const text = spread(ours, baseline, key);
  if (text) row.remark = row.remark ? `${row.remark}; ${text}` : text;
  return row;
};

const pct = (share) => (Number.isFinite(share) ? `${Math.round(share * 100)}%` : '—');
const medianOf = (list, key) => (list?.length ? median(list.map((r) => r[key])) : Number.NaN);

async function redisServer() {
  const port = await freePort();
  const child = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 50; i++) {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

function hasRedisSupport() {
  // The Redis registry is the one user of ioredis in the server (imported, or loaded on demand).
  const source = existsSync(SERVERS.ours) ? readFileSync(SERVERS.ours, 'utf8') : '';
  return /from\s*["']ioredis["']|import\(\s*["']ioredis["']\s*\)/.test(source);
}

async function main() {
  log(
    `machine: ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, node ${process.version}`,
  );
  const missing = prepare();
  const bundleNote = missing.ours
    ? null
    : await ensureRunnableBundle().catch((error) => {
        missing.ours = `could not bundle apps/signal/src/server.ts: ${error.message}`;
        return null;
      });
  if (bundleNote) log(`note: ${bundleNote}`);
  const kinds = ['bare', ...(missing.ours ? [] : ['ours'])];
  const out = {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, model: cpus()[0]?.model, node: process.version, loadBefore: loadavg() },
    config,
    missing,
    runs: {},
  };
  const rows = [];
  const notMeasured = (reason) => ({ ours: null, note: `not measured: ${reason}` });

  if (wants('relay')) {
    await guarded('relay', async () => {
      log(
        `relay: ${config.repetitions} repetitions each, ${config.generators * config.roomsPerGenerator} rooms, fixed load ${config.fixedRate} msg/s`,
      );
      const { results, errors } = await alternate(
        kinds,
        config.repetitions,
        (kind) => relayRepetition({ kind, config }),
        config.budgetSeconds.relay,
      );
      out.runs.relay = results;
      out.errors = { ...out.errors, relay: errors };
      const ours = results.ours;
      const bare = results.bare;
      const reason = missing.ours ?? errors.ours;
      const row = (figure, key, unit, goal, scale = 1) =>
        ours?.length
          ? withSpread(
              {
                figure,
                ours: medianOf(ours, key) * scale,
                baseline: medianOf(bare, key) * scale,
                unit,
                goal,
              },
              ours,
              bare,
              key,
            )
          : { figure, baseline: medianOf(bare, key) * scale, unit, goal, ...notMeasured(reason) };
      // Throughput only says something about a server that was the bottleneck: on a machine
      // shared with other work, or with generators slower than the server, it does not.
      const throughputRow = row('relay throughput', 'throughput', 'msg/s', { op: '>=', value: 0.95 });
      const shareOurs = medianOf(ours, 'serverCpuShare');
      const shareBare = medianOf(bare, 'serverCpuShare');
      throughputRow.remark = `server busy ${pct(shareOurs)} / bare ${pct(shareBare)} of a core`;
      if (!(shareOurs >= 0.8 && shareBare >= 0.8)) {
        throughputRow.inconclusive = 'a server below 80% of a core was not the bottleneck';
        throughputRow.remark += ': not server-bound, see CPU per message';
      }
      rows.push(throughputRow);
      rows.push(row('server CPU per relayed message', 'cpuPerMessageMicros', 'µs', { op: '<=', value: 1.1 }));
      rows.push(row(`latency p50 at ${config.fixedRate / 1000}k msg/s`, 'latencyP50Ms', 'ms'));
      rows.push(
        row(`latency p99 at ${config.fixedRate / 1000}k msg/s`, 'latencyP99Ms', 'ms', {
          op: '<=',
          value: 1.5,
        }),
      );
      const stallRow = row(
        `worst event-loop stall at ${config.fixedRate / 1000}k msg/s`,
        'stallMaxMs',
        'ms',
        {
          op: '<=',
          value: 50,
          absolute: true,
        },
      );
      // Stalls include time the OS did not run the server at all, so the baseline's shows the machine's share.
      rows.push(stallRow);
      rows.push(row('server CPU per call set-up', 'cpuPerSetupMicros', 'µs', { op: '<=', value: 1.15 }));
    });
  }

  if (wants('idle')) {
    await guarded('idle', async () => {
      log(`idle memory: ${config.idleSockets} joined sockets, ${config.repetitions} repetitions each`);
      const { results, errors } = await alternate(
        kinds,
        config.repetitions,
        (kind) => idleRepetition({ kind, config }),
        config.budgetSeconds.idle,
      );
      out.runs.idle = results;
      out.errors = { ...out.errors, idle: errors };
      const reason = missing.ours ?? errors.ours;
      for (const [figure, key, goal, unit, scale] of [
        ['server RSS at start, before any socket', 'rssStartBytes', 1.5, 'MiB', 1024 * 1024],
        [`idle heap per peer at ${config.idleSockets / 1000}k sockets`, 'heapPerPeerBytes', 1.5, 'KiB', 1024],
        [`idle RSS per peer at ${config.idleSockets / 1000}k sockets`, 'rssPerPeerBytes', 1.2, 'KiB', 1024],
      ]) {
        const baseline = medianOf(results.bare, key) / scale;
        rows.push(
          results.ours?.length
            ? withSpread(
                {
                  figure,
                  ours: medianOf(results.ours, key) / scale,
                  baseline,
                  unit,
                  goal: { op: '<=', value: goal },
                },
                results.ours,
                results.bare,
                key,
              )
            : { figure, baseline, unit, goal: { op: '<=', value: goal }, ...notMeasured(reason) },
        );
      }
    });
  }

  if (wants('redis')) {
    await guarded('redis', async () => {
      const figure = 'relay throughput, 2 processes over Redis vs 1 in memory';
      const cpuFigure = 'server CPU per message (both processes), Redis vs memory';
      // Two processes pay a PUBLISH and a bus read per message that one process does not.
      const cpuGoal = { op: '<=', value: 1.5 };
      const hasRedisServer = existsSync('/usr/bin/redis-server');
      if (missing.ours || !hasRedisSupport() || !hasRedisServer) {
        const reason =
          missing.ours ??
          (hasRedisServer
            ? 'the server has no REDIS_URL support yet'
            : '/usr/bin/redis-server is not installed');
        rows.push(
          { figure, unit: 'msg/s', ...notMeasured(reason) },
          { figure: cpuFigure, unit: 'µs', goal: cpuGoal, ...notMeasured(reason) },
        );
      } else {
        const redis = await redisServer();
        try {
          log(`redis: ${config.repetitions} repetitions, one in-memory process vs two sharing ${redis.url}`);
          const { results, errors } = await alternate(
            ['one', 'two'],
            config.repetitions,
            (setup) =>
              relayRepetition({
                kind: 'ours',
                label: `redis-${setup}`,
                config,
                // The baseline is the default deployment: one process, rooms in memory.
                env: setup === 'two' ? { REDIS_URL: redis.url } : {},
                processes: setup === 'two' ? 2 : 1,
                withSetups: false,
                withFixedRate: false,
              }),
            config.budgetSeconds.redis,
          );
          out.runs.redis = results;
          out.errors = { ...out.errors, redis: errors };
          const measured = results.two?.length && results.one?.length;
          const reason = errors.two ?? errors.one;
          rows.push(
            measured
              ? {
                  figure,
                  ours: medianOf(results.two, 'throughput'),
                  baseline: medianOf(results.one, 'throughput'),
                  unit: 'msg/s',
                }
              : { figure, unit: 'msg/s', ...notMeasured(reason) },
            measured
              ? withSpread(
                  {
                    figure: cpuFigure,
                    ours: medianOf(results.two, 'cpuPerMessageMicros'),
                    baseline: medianOf(results.one, 'cpuPerMessageMicros'),
                    unit: 'µs',
                    goal: cpuGoal,
                  },
                  results.two,
                  results.one,
                  'cpuPerMessageMicros',
                )
              : { figure: cpuFigure, unit: 'µs', goal: cpuGoal, ...notMeasured(reason) },
          );
        } finally {
          redis.stop();
        }
      }
    });
  }

  if (wants('browser')) {
    await guarded('browser', async () => {
      const { formatSteps, setupSamples, stepTable } = await import('./suites/browser.mjs');
      const figure = 'call set-up time (Join click to first remote frame)';
      let reason = missing.ours ?? missing.web;
      const server = reason ? null : await startServer({ kind: 'ours', label: 'ours-browser' });
      log(
        `browser: ${config.browserRepetitions} loopback RTCPeerConnection pairs` +
          (server
            ? ', each followed by a two-browser call through the production server and one made the bare way'
            : ''),
      );
      let measured = { loopback: [], calls: [], steps: { loopback: [], ours: [] }, notes: {} };
      try {
        measured = await setupSamples(
          server?.origin,
          config.browserRepetitions,
          profile ? PROFILE_DIR : null,
        );
        reason ??= measured.error ?? undefined;
        if (server) {
          log(`browser: CPU at rest, ${config.browserRepetitions} pages each, web app and bare page`);
          const { restingSamples } = await import('./suites/resting.mjs');
          out.runs.resting = await restingSamples(server.origin, config.browserRepetitions);
        }
      } catch (error) {
        reason ??= String(error?.message ?? error).split('\n')[0];
      } finally {
        await server?.stop();
      }
      for (const [state, figure] of [
        ['preJoin', 'browser CPU on the pre-join screen, against the bare page (% of a core)'],
        ['alone', 'browser CPU alone in the call, against the bare page joined (% of a core)'],
      ]) {
        const samples = out.runs.resting?.[state];
        rows.push(
          samples?.ours.length
            ? {
                figure,
                ours: median(samples.ours) * 100,
                baseline: median(samples.bare) * 100,
                unit: '%',
              }
            : { figure, unit: '%', ...notMeasured(reason ?? 'not measured') },
        );
      }
      const { loopback, calls } = measured;
      out.runs.loopback = loopback;
      // The same loopback call with the camera at 360p, as the baseline was measured before.
      out.runs.loopback360 = measured.loopback360 ?? [];
      out.runs.loopbackDefaultRate = measured.loopbackDefaultRate ?? [];
      out.runs.calls = calls;
      // The same call made the bare way: two browsers, the codelab's page, the bare relay.
      out.runs.demo = measured.demo ?? [];
      // Each set-up's steps in ms after the click, the median of each step, and the last
      // set-up's every note of each kind (the newcomer's and the other side's).
      out.runs.callSteps = measured.steps;
      out.runs.callStepMedians = stepTable(measured.steps);
      out.runs.callTimeline = measured.notes;
      if (calls.length) console.log(`\n${formatSteps(out.runs.callStepMedians)}\n`);
      if (measured.demoError) log(`browser: the bare two-browser call failed: ${measured.demoError}`);
      if (out.runs.loopback360.length)
        log(`browser: loopback with the camera at 360p: ${Math.round(median(out.runs.loopback360))} ms`);
      if (out.runs.loopbackDefaultRate.length)
        log(
          `browser: loopback at the browser's default start rate: ${Math.round(median(out.runs.loopbackDefaultRate))} ms`,
        );
      rows.push(
        calls.length
          ? {
              figure,
              ours: median(calls),
              baseline: median(loopback),
              unit: 'ms',
              goal: { op: '<=', value: 1.25 },
            }
          : {
              figure,
              baseline: median(loopback),
              unit: 'ms',
              goal: { op: '<=', value: 1.25 },
              ...notMeasured(reason),
            },
      );
      const bareFigure =
        'call set-up time, against the same call made the bare way (two browsers, bare relay)';
      rows.push(
        calls.length && out.runs.demo.length
          ? {
              figure: bareFigure,
              ours: median(calls),
              baseline: median(out.runs.demo),
              unit: 'ms',
              goal: { op: '<=', value: 1.25 },
            }
          : {
              figure: bareFigure,
              unit: 'ms',
              goal: { op: '<=', value: 1.25 },
              ...notMeasured(reason ?? measured.demoError ?? 'no call was made'),
            },
      );
    });
  }

  if (wants('bundle')) {
    await guarded('bundle', async () => {
      const { emptySvelteApp, gzippedSize, WEB_DIST } = await import('./suites/bundle.mjs');
      log('bundle: empty Svelte 5 + Vite app');
      const empty = await emptySvelteApp();
      const figure = 'web bundle, gzipped (every file but source maps)';
      const goal = { op: '<=', value: 3 };
      if (missing.web) {
        rows.push({ figure, baseline: empty.gzipped / 1024, unit: 'KiB', goal, ...notMeasured(missing.web) });
      } else {
        const ours = gzippedSize(WEB_DIST);
        out.runs.bundle = { ours, empty };
        const remark = ours.stale > 0 ? `${ours.stale} files of an earlier build left out` : undefined;
        rows.push({
          figure,
          ours: ours.gzipped / 1024,
          baseline: empty.gzipped / 1024,
          unit: 'KiB',
          goal,
          remark,
        });
      }

      const { firstLoadSize, previewSamples, previewWebRoot } = await import('./suites/first-load.mjs');
      const firstLoadFigure = 'first load, gzipped (landing: entry + static imports + CSS)';
      const firstLoadGoal = { op: '<=', value: 30, absolute: true };
      const emptyFirstLoad = firstLoadSize(empty.dist).gzipped / 1024;
      if (missing.web) {
        rows.push({
          figure: firstLoadFigure,
          baseline: emptyFirstLoad,
          unit: 'KiB',
          goal: firstLoadGoal,
          ...notMeasured(missing.web),
        });
      } else {
        const firstLoad = firstLoadSize(WEB_DIST);
        out.runs.firstLoad = firstLoad;
        rows.push({
          figure: firstLoadFigure,
          ours: firstLoad.gzipped / 1024,
          baseline: emptyFirstLoad,
          unit: 'KiB',
          goal: firstLoadGoal,
        });
      }

      const previewFigure = 'landing → camera preview visible';
      const reason = missing.ours ?? missing.web;
      if (reason) {
        rows.push({ figure: previewFigure, unit: 'ms', ...notMeasured(reason) });
        return;
      }
      log(
        `bundle: landing → camera preview, ${config.browserRepetitions} cold visits each, app and one-file page`,
      );
      const server = await startServer({
        kind: 'ours',
        label: 'ours-preview',
        env: { WEB_ROOT: previewWebRoot(WEB_DIST) },
      });
      try {
        const samples = await previewSamples(server.origin, config.browserRepetitions);
        out.runs.preview = samples;
        rows.push({
          figure: previewFigure,
          ours: median(samples.ours),
          baseline: median(samples.baseline),
          unit: 'ms',
        });
      } finally {
        await server.stop();
      }
    });
  }

  if (wants('transfer')) {
    await guarded('transfer', async () => {
      const repetitions = quick ? 1 : 3;
      log(`transfer: 100 MB through the file-transfer code vs a raw data-channel blast, ${repetitions} each`);
      const output = execFileSync(
        'node',
        [join(BENCH_DIR, 'file-transfer.mjs'), '--size-mb=100', `--repetitions=${repetitions}`],
        { cwd: REPO_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 240_000 },
      );
      const transfer = JSON.parse(output);
      out.runs.transfer = transfer;
      rows.push({
        figure: 'file transfer goodput, 100 MB',
        ours: transfer.ours.goodputMBps,
        baseline: transfer.raw.goodputMBps,
        unit: 'MB/s',
        goal: { op: '>=', value: 0.8 },
      });
      rows.push({
        figure: 'peak bufferedAmount while sending',
        ours: transfer.ours.peakBufferedAmountBytes / 1024,
        baseline: transfer.raw.peakBufferedAmountBytes / 1024,
        unit: 'KiB',
      });
      rows.push({
        figure: 'receiver JS heap growth, 100 MB',
        ours: transfer.ours.receiverPeakHeapGrowthBytes / 1024 / 1024,
        baseline: transfer.raw.receiverPeakHeapGrowthBytes / 1024 / 1024,
        unit: 'MiB',
      });
    });
  }

  if (wants('gigabyte')) {
    await guarded('gigabyte', async () => {
      log('gigabyte: 1 GiB between two browsers through the call page, received into OPFS');
      const resultPath = join(BENCH_DIR, 'gigabyte.json');
      rmSync(resultPath, { force: true });
      execFileSync('npx', ['playwright', 'test', '-c', 'playwright.bench.config.ts', 'large-file'], {
        cwd: join(REPO_DIR, 'e2e'),
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, GIGABYTE_RESULT: resultPath },
        // The spec's own timeout (15 min: a few MB/s on a loaded two-core machine) ends it first.
        timeout: 960_000,
      });
      const gigabyte = JSON.parse(readFileSync(resultPath, 'utf8'));
      out.runs.gigabyte = gigabyte;
      rows.push({
        figure: 'file transfer goodput, 1 GiB into OPFS',
        ours: gigabyte.goodputMBps,
        unit: 'MB/s',
      });
      rows.push({
        figure: 'receiver JS heap growth, 1 GiB',
        ours: gigabyte.receiverHeapGrowthBytes / 1024 / 1024,
        unit: 'MiB',
        remark: 'the spec fails at 64 MiB or more',
      });
    });
  }

  if (wants('soak')) {
    await guarded('soak', async () => {
      const reason = missing.ours ?? missing.web;
      if (reason) {
        rows.push({ figure: 'soak', ...notMeasured(reason) });
        return;
      }
      const { soakSuite } = await import('./suites/soak.mjs');
      const heapSnapshotDir = heap ? join(BENCH_DIR, 'profiles') : undefined;
      if (heapSnapshotDir) mkdirSync(heapSnapshotDir, { recursive: true });
      const soak = await soakSuite({ config, heapSnapshotDir, log });
      out.runs.soak = soak.runs;
      rows.push(...soak.rows);
    });
  }

  if (wants('topology')) {
    await guarded('topology', async () => {
      const { formatTopologyTable, topologyFigures, topologyGoals } = await import('./lib/topology.mjs');
      const { sizes, warmupMs, windowMs, capture } = config.topology;
      log(
        `topology: Janus, then the mesh, at ${sizes.join(', ')} people; ${capture} camera, ` +
          `${warmupMs / 1000} s warm-up and ${windowMs / 1000} s measured at each size`,
      );
      const resultPath = join(BENCH_DIR, 'topology.json');
      rmSync(resultPath, { force: true });
      const loadBefore = loadavg()[0];
      const spec = ['playwright', 'test', '-c', 'playwright.bench.config.ts', 'topology'];
      const output = [];
      const code = await new Promise((resolve, reject) => {
        const child = spawn('npx', spec, {
          cwd: join(REPO_DIR, 'e2e'),
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            TOPOLOGY_RESULT: resultPath,
            TOPOLOGY_SIZES: sizes.join(','),
            TOPOLOGY_WARMUP_MS: String(warmupMs),
            TOPOLOGY_WINDOW_MS: String(windowMs),
            TOPOLOGY_CAPTURE: capture,
          },
        });
        // The spec says when each size is measured: the run is minutes long.
        createInterface({ input: child.stdout }).on('line', (line) => {
          output.push(line);
          if (/people: (measured|\w+ sees)/.test(line)) log(`topology: ${line.trim()}`);
        });
        child.stderr.on('data', (chunk) => output.push(String(chunk)));
        const timer = setTimeout(() => child.kill('SIGTERM'), 960_000);
        child.on('error', reject);
        child.on('exit', (exitCode, signal) => {
          clearTimeout(timer);
          resolve(exitCode ?? signal);
        });
      });
      // Playwright reports a failing test on stdout: the error, what was expected and received.
      const telling = output.filter((line) => /Error|Expected|Received|measured|Call log/.test(line));
      const failure =
        code === 0
          ? null
          : `the browser run failed (\`npx ${spec.join(' ')}\` in e2e/, ${code}):\n${telling.slice(0, 30).join('\n')}`;
      // The spec writes its counters after every window: a run that failed late keeps the rest.
      if (!existsSync(resultPath)) throw new Error(failure ?? 'the browser run wrote no result');
      const raw = JSON.parse(readFileSync(resultPath, 'utf8'));
      rmSync(resultPath, { force: true });
      if (failure) {
        failures.topology = failure;
        log(
          `topology: ${failure.split('\n')[0]}; figures of the ${raw.windows.length} windows measured before it`,
        );
      }
      const figures = topologyFigures(raw);
      const goals = topologyGoals(figures, { small: sizes[0], large: sizes.at(-1) });
      const loads = raw.windows.map((w) => w.load1);
      const loadText = `load ${Math.min(loadBefore, ...loads).toFixed(1)}–${Math.max(loadBefore, ...loads).toFixed(1)} on ${cpus().length} cores`;
      const captured = raw.capture
        ? `${raw.capture.width}x${raw.capture.height} at ${raw.capture.frameRate} fps`
        : capture;
      const shortfalls = raw.windows.flatMap((window) => window.shortfalls ?? []);
      out.runs.topology = { capture: raw.capture, warmupMs, windowMs, figures, goals, shortfalls };
      console.log(
        `\nMesh against Janus, per participant (mean of the room), camera ${captured}; ` +
          `uplink = bytes sent by the page's outbound RTP streams; CPU = the participant's Chromium ` +
          `processes, ms of CPU per second (1000 = one core); Janus per stream = its CPU / N×(N−1) ` +
          `forwarded videos; ${loadText}.\n`,
      );
      console.log(`${formatTopologyTable(figures, sizes)}\n`);
      if (shortfalls.length) console.log(`Measured without every video playing:\n${shortfalls.join('\n')}\n`);
      const [uplinkGoal, cpuGoal] = goals;
      rows.push(
        {
          figure: uplinkGoal.figure,
          ours: (uplinkGoal.ours * 8) / 1000,
          baseline: (uplinkGoal.baseline * 8) / 1000,
          unit: 'kbit/s',
          goal: { op: '<=', value: uplinkGoal.limit },
          remark: `mesh ${(figures.mesh[sizes.at(-1)]?.uplink / figures.mesh[sizes[0]]?.uplink).toFixed(2)}x; ${loadText}`,
        },
        {
          figure: cpuGoal.figure,
          ours: cpuGoal.ours,
          baseline: cpuGoal.baseline,
          unit: 'ms/s',
          goal: { op: '<=', value: cpuGoal.limit },
          remark: loadText,
        },
        {
          figure: `Janus CPU per forwarded stream at ${sizes.at(-1)} people`,
          ours: figures.janus[sizes.at(-1)]?.serverCpuPerStream,
          unit: 'ms/s',
          remark: `${figures.janus[sizes.at(-1)]?.serverCpu?.toFixed(0)} ms/s over ${sizes.at(-1) * (sizes.at(-1) - 1)} streams`,
        },
      );
    });
  }

  if (profile) {
    const dir = PROFILE_DIR;
    out.profile = {};
    for (const kind of kinds) {
      log(`profile: one relay repetition of ${kind}, CPU-profiled in its measured windows (${dir})`);
      await relayRepetition({ kind, config, profileDir: dir, label: `${kind}-profile` });
      for (const phase of ['relay', 'setup']) {
        const file = join(dir, `${kind}-profile-${phase}.cpuprofile`);
        if (!existsSync(file)) continue;
        const data = readProfile(file);
        const functions = selfTimes(data).slice(0, 40);
        const modules = selfTimesByModule(data).slice(0, 20);
        out.profile[`${kind}-${phase}`] = { file: file.replace(`${REPO_DIR}/`, ''), functions, modules };
        console.log(`\n${kind}, ${phase} window: hot functions (self time)`);
        for (const f of functions.slice(0, 20))
          console.log(`${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
        console.log(`${kind}, ${phase} window: by module`);
        for (const m of modules.slice(0, 10))
          console.log(`${(m.share * 100).toFixed(1).padStart(5)}%  ${m.module}`);
      }
    }
  }

  if (heap && wants('idle')) {
    const dir = join(BENCH_DIR, 'profiles');
    mkdirSync(dir, { recursive: true });
    out.heap = {};
    for (const kind of kinds) {
      const path = join(dir, `${kind}-idle.heapsnapshot`);
      log(`heap: snapshot of ${kind} holding ${config.idleSockets} idle peers (${path})`);
      await idleRepetition({ kind, config, heapSnapshotPath: path });
      const groups = heapByConstructor(path).slice(0, 25);
      out.heap[kind] = groups;
      console.log(`\n${kind}: heap by constructor at ${config.idleSockets} peers (count, self bytes)`);
      for (const g of groups)
        console.log(`${String(g.count).padStart(8)} ${String(g.bytes).padStart(10)}  ${g.type}:${g.name}`);
    }
  }

  out.rows = rows;
  out.loadAfter = loadavg();
  out.seconds = (performance.now() - started) / 1000;
  out.failures = failures;
  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(
    `\nBaseline: bare ws relay (bench/baseline/bare-relay.mjs) for server rows; one-page loopback RTCPeerConnection pair, and the same call made the bare way (two browsers, baseline/two-browser-call), for call set-up; empty Svelte 5 + Vite app for the bundle.`,
  );
  console.log(
    `Each figure is the median of ${config.repetitions} repetitions (browser: ${config.browserRepetitions} calls); ${config.generators} load-generator processes; machine: ${cpus().length} cores, load before ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}.\n`,
  );
  if (bundleNote) console.log(`Note: ${bundleNote}.\n`);
  console.log(formatTable(rows));
  if (shortened.length) console.log(`\nShortened by the time budget: ${shortened.join('; ')}.`);
  out.shortened = shortened;
  if (Object.keys(failures).length) {
    console.log(`\nSuites that failed (details in results.json): ${Object.keys(failures).join(', ')}.`);
    process.exitCode = 1;
  }
  console.log(`\nWrote bench/results.json in ${out.seconds.toFixed(0)} s.`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
