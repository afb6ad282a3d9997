/**
 * Summarises a V8 heap snapshot by constructor: how many objects and bytes (self size)
 * each kind holds, so per-peer objects stand out as counts near the number of peers.
 */
import { readFileSync } from 'node:fs';

export function heapByConstructor(path) {
  return groupByConstructor(JSON.parse(readFileSync(path, 'utf8')));
}

/** The same, for a snapshot already parsed. Blink's objects (`native`) are named too. */
export function groupByConstructor(snapshot) {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const { nodes, strings } = snapshot;
  const groups = new Map();
  for (let i = 0; i < nodes.length; i += stride) {
    const type = types[nodes[i + typeAt]];
    const isNamed = type === 'object' || type === 'closure' || type === 'native';
    const name = isNamed ? strings[nodes[i + nameAt]] : `(${type})`;
    const key = `${type}:${name}`;
    const group = groups.get(key) ?? { type, name, count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += nodes[i + sizeAt];
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.bytes - a.bytes);
}

/**
 * Self bytes of a snapshot by kind: `code` (bytecode and optimized code, which grows as the
 * engine compiles more of the app and is not a leak), `native` (the embedder's objects,
 * Blink's DOM in a page) and `objects` (everything else: what a program's data holds).
 */
export function snapshotSizes(snapshot) {
  const sizes = { code: 0, native: 0, objects: 0 };
  for (const group of groupByConstructor(snapshot)) {
    if (group.type === 'code') sizes.code += group.bytes;
    else if (group.type === 'native' || group.type === 'synthetic') sizes.native += group.bytes;
    else sizes.objects += group.bytes;
  }
  return sizes;
}

/**
 * What grew between two snapshots of the same process, by constructor: count and self
 * bytes added (negative when freed), largest growth first.
 */
export function diffByConstructor(beforePath, afterPath) {
  // Names of closures' scopes carry a per-snapshot node id (`… @1234`): group them without it.
  const byKey = (path) => {
    const groups = new Map();
    for (const g of heapByConstructor(path)) {
      const name = g.name.replace(/ @\d+$/, '');
      const key = `${g.type}:${name}`;
      const group = groups.get(key) ?? { type: g.type, name, count: 0, bytes: 0 };
      group.count += g.count;
      group.bytes += g.bytes;
      groups.set(key, group);
    }
    return groups;
  };
  const before = byKey(beforePath);
  const rows = [];
  for (const [key, group] of byKey(afterPath)) {
    const old = before.get(key);
    before.delete(key);
    rows.push({ ...group, count: group.count - (old?.count ?? 0), bytes: group.bytes - (old?.bytes ?? 0) });
  }
  for (const old of before.values()) rows.push({ ...old, count: -old.count, bytes: -old.bytes });
  return rows.sort((a, b) => b.bytes - a.bytes);
}
