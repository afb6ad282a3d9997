/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and sums self time per function, so the hot
 * spots of a server can be listed without opening DevTools.
 */
import { readFileSync } from 'node:fs';

/**
 * @param {{ nodes: Array<{ id: number, callFrame: { functionName: string, url: string, lineNumber: number } }>, samples: number[], timeDeltas: number[] }} profile
 * @returns {Array<{ name: string, where: string, selfMicros: number, share: number }>}
 */
export function selfTimes(profile) {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  let all = 0;
  profile.samples.forEach((nodeId, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const frame = byNode.get(nodeId)?.callFrame;
    if (!frame) return;
    const url = frame.url
      .replace(/^file:\/\//, '')
      .replace(/.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
    const where = url ? `${url}:${frame.lineNumber + 1}` : '(native)';
    const key = `${frame.functionName || '(anonymous)'}\u0000${where}`;
    totals.set(key, (totals.get(key) ?? 0) + delta);
    all += delta;
  });
  return [...totals]
    .map(([key, selfMicros]) => {
      const [name, where] = key.split('\u0000');
      return { name, where, selfMicros, share: all ? selfMicros / all : 0 };
    })
    .sort((a, b) => b.selfMicros - a.selfMicros);
}

/** Self time grouped by package (node_modules name) or file, to see which layer costs. */
export function selfTimesByModule(profile) {
  const groups = new Map();
  for (const row of selfTimes(profile)) {
    const where = row.where;
    let group = '(native/gc/idle)';
    if (where !== '(native)') {
      const pkg = where.match(/^(@[^/]+\/[^/]+|[^/]+)\//);
      group =
        where.startsWith('/') || where.startsWith('node:') ? where.replace(/:\d+$/, '') : (pkg?.[1] ?? where);
    }
    if (row.name === '(idle)' || row.name === '(program)' || row.name === '(garbage collector)')
      group = row.name;
    groups.set(group, (groups.get(group) ?? 0) + row.share);
  }
  return [...groups].map(([module, share]) => ({ module, share })).sort((a, b) => b.share - a.share);
}

export const readProfile = (path) => JSON.parse(readFileSync(path, 'utf8'));
