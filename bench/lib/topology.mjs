/**
 * Figures of the topology suite (mesh against the media server), from the raw counters the
 * browser run records: bytes sent per outbound RTP stream (getStats), CPU seconds per
 * Chromium process (DevTools `SystemInfo.getProcessInfo`) and Janus's /proc stat line, each
 * read at the start and the end of a measured window.
 */

/**
 * How much a set of cumulative counters grew between two readings: `{ key: value }` maps.
 * A key read only at the end was created inside the window and started from 0 there (a
 * stream or a process that began meanwhile); a key read only at the start ended inside the
 * window and its last part is unknown, so it counts for nothing. A counter never goes back:
 * one that did is a different object under a reused key (a restarted process), counted from 0.
 */
export function counterGrowth(before, after) {
  let growth = 0;
  for (const [key, end] of Object.entries(after)) {
    const start = before[key] ?? 0;
    growth += end >= start ? end - start : end;
  }
  return growth;
}

/** A counter's growth per second between two readings `{ at: ms, counters }`. */
export function ratePerSecond(before, after) {
  const seconds = (after.at - before.at) / 1000;
  if (!(seconds > 0)) throw new Error(`a window of ${seconds} s has no rate`);
  return counterGrowth(before.counters, after.counters) / seconds;
}

/**
 * CPU seconds (user + system) of a process from its /proc/<pid>/stat line. The command name
 * in parentheses may itself hold spaces and parentheses: fields are counted after the last ')'.
 * utime and stime are fields 14 and 15 of the line, in clock ticks.
 */
export function procCpuSeconds(statLine, ticksPerSecond = 100) {
  const end = statLine.lastIndexOf(')');
  if (end < 0) throw new Error('not a /proc/<pid>/stat line');
  // After ')': field 3 (state) is the first.
  const fields = statLine
    .slice(end + 1)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('no utime/stime in the stat line');
  return (utime + stime) / ticksPerSecond;
}

/** Video streams a media server forwards in a room of `people`: each one's camera to every other. */
export const forwardedStreams = (people) => people * (people - 1);

/**
 * A process's CPU per forwarded stream over a window, in milliseconds of CPU per second
 * (thousandths of a core): CPU seconds / window seconds / streams.
 */
export function cpuPerStream(cpuSeconds, windowSeconds, people) {
  const streams = forwardedStreams(people);
  if (!(streams > 0) || !(windowSeconds > 0)) return Number.NaN;
  return (cpuSeconds * 1000) / windowSeconds / streams;
}

/**
 * The suite's goals, from per-size figures `{ mesh: { [people]: {uplink, cpu} }, janus: {...} }`
 * (uplink in bytes/s per browser, cpu in ms of CPU per second per participant):
 * through the media server a browser's uplink at 6 people is at most 1.2× its uplink at 2
 * (it publishes once however many watch; the mesh's grows about N−1 times), and a
 * participant's browser CPU at 6 people is at most half of the mesh's.
 */
export function topologyGoals(figures, { small = 2, large = 6 } = {}) {
  const at = (kind, people, key) => figures[kind]?.[people]?.[key] ?? Number.NaN;
  const check = (figure, ours, baseline, limit) => {
    const ratio = ours / baseline;
    return {
      figure,
      ours,
      baseline,
      ratio,
      limit,
      met: Number.isFinite(ratio) ? ratio <= limit : null,
    };
  };
  return [
    check(
      `media server: uplink per browser at ${large} vs ${small} people`,
      at('janus', large, 'uplink'),
      at('janus', small, 'uplink'),
      1.2,
    ),
    check(
      `browser CPU per participant at ${large} people: media server vs mesh`,
      at('janus', large, 'cpu'),
      at('mesh', large, 'cpu'),
      0.5,
    ),
  ];
}

/**
 * Which simulcast layers a page sent in the window: the rids of its video streams whose
 * bytes grew. `before`/`after` map a stream key to `{ rid, bytes }`.
 */
export function layersSent(before, after) {
  const rids = new Set();
  for (const [key, stream] of Object.entries(after)) {
    if (stream.bytes > (before[key]?.bytes ?? 0)) rids.add(stream.rid ?? '-');
  }
  return [...rids].sort();
}

/** How many video streams a page sent in the window (bytes grew), whatever their rid. */
export function videoStreamsSent(before, after) {
  return Object.entries(after).filter(([key, stream]) => stream.bytes > (before[key]?.bytes ?? 0)).length;
}

/**
 * What a page received in the window: per remote video stream that decoded frames, its frame
 * rate and width (through the media server, the simulcast layer it was given). Streams that
 * decoded nothing (a video left over from an earlier negotiation) are not counted.
 */
export function videoReceived(before, after, seconds) {
  return Object.entries(after ?? {})
    .map(([key, stream]) => ({
      fps: (stream.frames - (before?.[key]?.frames ?? 0)) / seconds,
      width: stream.width,
    }))
    .filter((stream) => stream.fps > 0);
}

const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;

/**
 * One measured window of the browser run → its figures: each participant's uplink (bytes/s,
 * every outbound RTP stream of every connection of the page) and browser CPU (ms of CPU per
 * second, every process of that participant's Chromium), their means, which layers each page
 * sent, and Janus's CPU (ms/s, and per forwarded stream in a media-server room).
 */
export function summarizeWindow(window, clockTicks = 100) {
  const { topology, people, before, after } = window;
  // Each counter over its own readings' times: on a busy machine reading six pages takes seconds.
  const seconds = (after.janusAt - before.janusAt) / 1000;
  const uplinks = after.pages.map((page, i) =>
    ratePerSecond(
      { at: before.pages[i].at, counters: before.pages[i].bytes },
      { at: page.at, counters: page.bytes },
    ),
  );
  const cpus = after.cpu.map(
    (cpu, i) =>
      ratePerSecond({ at: before.cpuAt[i], counters: before.cpu[i] }, { at: after.cpuAt[i], counters: cpu }) *
      1000,
  );
  const layers = after.pages.map((page, i) => layersSent(before.pages[i].video, page.video));
  const received = after.pages.map((page, i) =>
    videoReceived(before.pages[i].received, page.received, (page.at - before.pages[i].at) / 1000),
  );
  const receivedFps = received.flat().map((stream) => stream.fps);
  const sending = after.pages.flatMap((page, i) =>
    Object.entries(page.video).filter(
      ([key, stream]) => stream.bytes > (before.pages[i].video[key]?.bytes ?? 0),
    ),
  );
  const janusSeconds =
    before.janusStat && after.janusStat
      ? procCpuSeconds(after.janusStat, clockTicks) - procCpuSeconds(before.janusStat, clockTicks)
      : Number.NaN;
  return {
    topology,
    people,
    seconds,
    load1: window.load1,
    uplink: mean(uplinks),
    cpu: mean(cpus),
    uplinks,
    cpus,
    // Video streams each page sent in the window: one per other person in the mesh, one per
    // simulcast layer through the media server.
    videoStreams: after.pages.map((page, i) => videoStreamsSent(before.pages[i].video, page.video)),
    connections: after.pages.map((page) => page.connections),
    layers: [...new Set(layers.map((rids) => rids.join(',')))].join(' / '),
    // The share of those streams whose encoder was held back for CPU: the machine was the limit.
    cpuLimitedShare: sending.length
      ? sending.filter(([, stream]) => stream.limitation === 'cpu').length / sending.length
      : Number.NaN,
    // Remote videos each page decoded (N−1 when everyone sees everyone), the slowest one's
    // frame rate, and the widths they came in.
    videosReceived: received.map((streams) => streams.length),
    slowestReceivedFps: receivedFps.length ? Math.min(...receivedFps) : Number.NaN,
    receivedWidths: [...new Set(received.flat().map((stream) => stream.width))].sort((a, b) => a - b),
    serverCpu: (janusSeconds * 1000) / seconds,
    serverCpuPerStream: topology === 'janus' ? cpuPerStream(janusSeconds, seconds, people) : Number.NaN,
  };
}

/** Every window's figures, by topology and size: `{ mesh: { 2: {...} }, janus: {...} }`. */
export function topologyFigures(result) {
  const figures = { mesh: {}, janus: {} };
  for (const window of result.windows) {
    figures[window.topology][window.people] = summarizeWindow(window, result.clockTicks);
  }
  return figures;
}

const kbit = (bytesPerSecond) =>
  Number.isFinite(bytesPerSecond) ? `${Math.round((bytesPerSecond * 8) / 1000)}` : '—';
const whole = (value) => (Number.isFinite(value) ? `${Math.round(value)}` : '—');
const percent = (share) => (Number.isFinite(share) ? `${Math.round(share * 100)}%` : '—');
const tenths = (value) => (Number.isFinite(value) ? value.toFixed(1) : '—');

/** The per-size table: uplink (kbit/s), CPU (ms/s = thousandths of a core) and Janus per stream. */
export function formatTopologyTable(figures, sizes) {
  const header = [
    'N',
    'mesh uplink kbit/s',
    'Janus uplink kbit/s',
    'mesh CPU ms/s',
    'Janus CPU ms/s',
    'Janus server ms/s',
    'per stream ms/s',
    'slowest received fps',
    'CPU-limited streams',
    'layers sent',
  ];
  const lines = sizes.map((n) => {
    const mesh = figures.mesh?.[n] ?? {};
    const janus = figures.janus?.[n] ?? {};
    return [
      String(n),
      kbit(mesh.uplink),
      kbit(janus.uplink),
      whole(mesh.cpu),
      whole(janus.cpu),
      whole(janus.serverCpu),
      tenths(janus.serverCpuPerStream),
      `${tenths(mesh.slowestReceivedFps)} / ${tenths(janus.slowestReceivedFps)}`,
      `${percent(mesh.cpuLimitedShare)} / ${percent(janus.cpuLimitedShare)}`,
      janus.layers ?? '—',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i]))).join(' | ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(format)].join('\n');
}
