/** The English words for how the room's media travels (header badge, stats rows), part of `en`. */
export const topology = {
  meshBadge: 'Direct',
  meshLabel: 'Media goes directly between the browsers in this call',
  sfuBadge: 'Via server',
  sfuLabel: 'Media goes through the media server for this call',
  layerReceived: 'Layer received',
  /** `size`: the frame size received, or a dash until it is known. */
  layerDirect: (size: string) => `${size} (full, direct)`,
  layerLow: (size: string) => `${size} (low asked)`,
  layerMedium: (size: string) => `${size} (medium asked)`,
  layerHigh: (size: string) => `${size} (high asked)`,
  sfuVerificationCode: 'Media-server connection code',
  sfuLegend:
    'Connection: host = direct on your network, srflx/prflx = direct through a router, relay = through the TURN server. Through the media server, the code checks only your connection to that server, not to each person.',
};
