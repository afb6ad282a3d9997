/**
 * Preloaded (`node --import`) into the server under test, ours or the baseline alike, so
 * both are measured from inside the same way without changing their code: CPU time,
 * memory after a full GC, and event-loop stalls (perf_hooks.monitorEventLoopDelay).
 * It answers commands on the IPC channel of the benchmark that spawned the server.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

if (typeof process.send === 'function') {
  // 5 ms sampling: fine enough to see a 50 ms stall, cheap enough not to be one.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();

  const snapshot = () => {
    const cpu = process.cpuUsage();
    return {
      cpuMicros: cpu.user + cpu.system,
      stallMaxMs: loopDelay.max / 1e6,
      stallP99Ms: loopDelay.percentile(99) / 1e6,
    };
  };

  /** CPU profiling of one window only (one phase of a benchmark), through the inspector. */
  let profiler = null;
  const post = (method, params) =>
    new Promise((resolve, reject) =>
      profiler.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );

  process.on('message', async (message) => {
    if (!message || message.bench !== 'probe') return;
    const reply = (body) => process.send({ bench: 'probe', id: message.id, ...body });
    switch (message.cmd) {
      case 'reset':
        loopDelay.reset();
        reply(snapshot());
        break;
      case 'snapshot':
        reply(snapshot());
        break;
      case 'memory':
        // Several passes so weak references and finalizers settle before we read.
        if (typeof globalThis.gc === 'function') for (let i = 0; i < 3; i++) globalThis.gc();
        reply({ ...snapshot(), memory: process.memoryUsage() });
        break;
      case 'profileStart':
        profiler = new Session();
        profiler.connect();
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: 200 });
        await post('Profiler.start');
        reply({});
        break;
      case 'profileStop': {
        const { profile } = await post('Profiler.stop');
        profiler.disconnect();
        profiler = null;
        writeFileSync(message.path, JSON.stringify(profile));
        reply({});
        break;
      }
      case 'heapSnapshot':
        reply({ path: writeHeapSnapshot(message.path) });
        break;
      case 'exit':
        // A normal exit lets --cpu-prof write its profile.
        reply({});
        setTimeout(() => process.exit(0), 50);
        break;
      default:
        reply({ error: `unknown command ${message.cmd}` });
    }
  });
}
