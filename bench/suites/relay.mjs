/**
 * Server-side figures for one server (ours or the bare relay), one repetition each:
 * relay throughput and CPU per message (closed loop), latency and event-loop stall at a
 * fixed offered load (open loop), CPU per call set-up, and idle memory per peer.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mergeErrors, startGenerators, sumOf } from '../load/generators.mjs';
import { histogramPercentile, mergeHistograms } from '../lib/stats.mjs';
import { startServer } from '../lib/server.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the servers of one setup (one process, or several sharing Redis). */
async function startServers({ kind, env, cpuProfDir, label, processes = 1 }) {
  const servers = [];
  try {
    for (let i = 0; i < processes; i++) {
      servers.push(
        await startServer({ kind, env, cpuProfDir, label: processes > 1 ? `${label}-${i}` : label }),
      );
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
  return servers;
}

const cpuOf = async (servers) => {
  const snapshots = await Promise.all(servers.map((s) => s.probe('snapshot')));
  return snapshots.reduce((total, s) => total + s.cpuMicros, 0);
};

/**
 * @param {object} o
 * @param {'ours'|'bare'} o.kind
 * @param {object} o.config  see DEFAULTS in run.mjs
 * @param {number} [o.processes]  server processes; generators pair peers across them
 * @param {boolean} [o.withSetups]  also measure call set-ups
 */
export async function relayRepetition({
  kind,
  config,
  env = {},
  cpuProfDir,
  profileDir,
  label = kind,
  processes = 1,
  withSetups = true,
  withFixedRate = true,
}) {
  const servers = await startServers({ kind, env, cpuProfDir, label, processes });
  // With profileDir, the first server process is CPU-profiled during each measured window only.
  const profileStart = () => profileDir && servers[0].probe('profileStart');
  const profileStop = (phase) =>
    profileDir && servers[0].probe('profileStop', { path: join(profileDir, `${label}-${phase}.cpuprofile`) });
  const generators = await startGenerators(config.generators);
  const result = { kind, label };
  try {
    // With several processes, peer A of each pair connects to one and peer B to the next.
    await generators.all('connect', () => ({
      targets: servers.map((s) => ({ port: s.port, origin: s.origin })),
      count: config.roomsPerGenerator * 2,
    }));
    await generators.all('join', (index) => ({ prefix: `relay-${index}` }));
    await generators.all('relayMode');

    // Closed loop: warm up, then measure delivered messages and server CPU over a window.
    await generators.all('loopStart', () => ({ window: config.window }));
    await sleep(config.warmupMs);
    await profileStart();
    const [cpu0, marks0] = await Promise.all([cpuOf(servers), generators.all('mark')]);
    const t0 = performance.now();
    await sleep(config.durationMs);
    const [cpu1, marks1] = await Promise.all([cpuOf(servers), generators.all('mark')]);
    await profileStop('relay');
    const seconds = (performance.now() - t0) / 1000;
    const stopped = await generators.all('loopStop');
    const delivered = sumOf(marks1, 'received') - sumOf(marks0, 'received');
    result.throughput = delivered / seconds;
    result.cpuPerMessageMicros = (cpu1 - cpu0) / delivered;
    result.serverCpuShare = (cpu1 - cpu0) / 1e6 / seconds / processes;
    result.loopErrors = mergeErrors(stopped);
    result.closedSockets = sumOf(stopped, 'closed');

    if (withFixedRate) {
      // Open loop at a fixed offered rate: latency at the generators, stalls inside the server.
      await sleep(300);
      await Promise.all(servers.map((s) => s.probe('reset')));
      const fixed = await generators.all(
        'fixed',
        () => ({ rate: config.fixedRate / config.generators, durationMs: config.durationMs }),
        config.durationMs + 30_000,
      );
      const probes = await Promise.all(servers.map((s) => s.probe('snapshot')));
      const latency = mergeHistograms(fixed.map((f) => f.latency));
      result.fixedRate = config.fixedRate;
      result.fixedSent = sumOf(fixed, 'sent');
      result.fixedReceived = sumOf(fixed, 'received');
      result.latencyP50Ms = histogramPercentile(latency, 50) / 1000;
      result.latencyP99Ms = histogramPercentile(latency, 99) / 1000;
      result.latencyMaxMs = latency.max / 1000;
      result.stallMaxMs = Math.max(...probes.map((p) => p.stallMaxMs));
      result.fixedErrors = mergeErrors(fixed);
    }

    if (withSetups) {
      await generators.all('leaveAll');
      await sleep(300);
      await profileStart();
      const cpuStart = await cpuOf(servers);
      const started = performance.now();
      const setups = await generators.all(
        'setups',
        (index) => ({
          perPair: config.setupsPerPair,
          candidates: config.candidates,
          minIntervalMs: config.setupIntervalMs,
          prefix: `call-${index}`,
        }),
        120_000,
      );
      const cpuEnd = await cpuOf(servers);
      await profileStop('setup');
      const completed = sumOf(setups, 'completed');
      result.setups = completed;
      result.setupSeconds = (performance.now() - started) / 1000;
      result.cpuPerSetupMicros = (cpuEnd - cpuStart) / completed;
    }
    return result;
  } finally {
    await generators.stop();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/**
 * Memory after a full GC: RSS and heap of the server just started, before any socket, and
 * idle memory per joined peer (before and after `sockets` peers join).
 */
export async function idleRepetition({ kind, config, env = {}, heapSnapshotPath }) {
  const [server] = await startServers({ kind, env, label: `${kind}-idle` });
  // What the process costs before anyone connects: modules loaded, pools and caches built.
  const start = await server.probe('memory');
  const generators = await startGenerators(config.idleGenerators);
  const target = { targets: [{ port: server.port, origin: server.origin }] };
  try {
    // Warm up: the first connections load code and grow pools that are not per-peer cost.
    await generators.all('connect', () => ({ ...target, count: 20 }));
    await generators.all('join', (index) => ({ prefix: `warm-${index}` }));
    await generators.all('dropAll');
    await sleep(500);
    const before = await server.probe('memory');
    const perGenerator = Math.ceil(config.idleSockets / config.idleGenerators);
    await generators.all('connect', () => ({ ...target, count: perGenerator }), 120_000);
    await generators.all('join', (index) => ({ prefix: `idle-${index}` }), 120_000);
    await sleep(config.idleSettleMs);
    const after = await server.probe('memory');
    if (heapSnapshotPath) await server.probe('heapSnapshot', { path: heapSnapshotPath }, 300_000);
    const peers = perGenerator * config.idleGenerators;
    return {
      kind,
      peers,
      rssStartBytes: start.memory.rss,
      heapStartBytes: start.memory.heapUsed,
      heapPerPeerBytes: (after.memory.heapUsed - before.memory.heapUsed) / peers,
      rssPerPeerBytes: (after.memory.rss - before.memory.rss) / peers,
      heapBefore: before.memory.heapUsed,
      heapAfter: after.memory.heapUsed,
      rssBefore: before.memory.rss,
      rssAfter: after.memory.rss,
    };
  } finally {
    await generators.stop();
    await server.stop();
  }
}
