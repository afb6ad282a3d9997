/**
 * The words for how the room's media travels: the header's badge, the stats panel's layer and
 * verification rows. (One place, so that the message catalogue can take them over as a block.)
 */
import type { Topology, VideoLayer } from '@app/client';

export const TOPOLOGY_TEXT: Record<Topology, { badge: string; label: string }> = {
  mesh: { badge: 'Direct', label: 'Media goes directly between the browsers in this call' },
  sfu: { badge: 'Via server', label: 'Media goes through the media server for this call' },
};

export const VERIFICATION_LABEL: Record<Topology, string> = {
  mesh: 'Verification code',
  sfu: 'Media-server connection code',
};

export const VERIFICATION_HINT: Record<Topology, string> = {
  mesh: 'Compare the verification code aloud: the same code on both sides means nobody is in the middle.',
  sfu: 'Through the media server, the code checks only your connection to that server, not to each person.',
};

export const LAYER_LABEL = 'Layer received';

const LAYER_NAMES = ['low', 'medium', 'high'] as const;

/** The frame size we receive and, through the media server, the layer asked for. */
export function layerText(resolution: string | null, layer: VideoLayer | null, topology: Topology): string {
  const size = resolution ?? '—';
  if (topology === 'mesh' || layer === null) return `${size} (full, direct)`;
  return `${size} (${LAYER_NAMES[layer]} asked)`;
}
