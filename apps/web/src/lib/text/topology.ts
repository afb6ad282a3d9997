/**
 * The words for how the room's media travels, picked from the catalogue: the header's badge,
 * the stats panel's layer and verification rows.
 */
import type { Topology, VideoLayer } from '@app/client';
import type { Messages } from '../i18n/en.ts';

export function topologyText(t: Messages, topology: Topology): { badge: string; label: string } {
  return topology === 'sfu'
    ? { badge: t.topology.sfuBadge, label: t.topology.sfuLabel }
    : { badge: t.topology.meshBadge, label: t.topology.meshLabel };
}

/** The frame size we receive and, through the media server, the layer asked for. */
export function layerText(
  t: Messages,
  resolution: string | null,
  layer: VideoLayer | null,
  topology: Topology,
): string {
  const size = resolution ?? '—';
  if (topology === 'mesh' || layer === null) return t.topology.layerDirect(size);
  const asked = { 0: t.topology.layerLow, 1: t.topology.layerMedium, 2: t.topology.layerHigh } as const;
  return asked[layer](size);
}
