/**
 * Loudness 0..1 of what the receiver plays, as the browser last measured it; 0 until its
 * connection is up, and the receiver is not even looked up before. Chromium answers
 * getSynchronizationSources by waiting on its WebRTC thread, which is busiest while a
 * connection is set up: asked then, the page stalls for tens of milliseconds, right when the
 * first frame is on its way, for a level that is 0.
 */
export function receivedAudioLevel(
  connectionState: RTCPeerConnectionState | undefined,
  receiver: () => RTCRtpReceiver | null | undefined,
): number {
  if (connectionState !== 'connected') return 0;
  return receiver()?.getSynchronizationSources?.()[0]?.audioLevel ?? 0;
}
