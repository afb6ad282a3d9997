// What both call baselines share with the web app: its camera and its video start rate.

/**
 * The camera as the web app asks for it by default (720p, 30 fps: @app/client's
 * videoConstraints): the encoder's start at 720p is part of the floor (its first frame comes
 * about 300 ms after the connection, against 50 ms at 360p), so the baselines send the same.
 */
export const CALL_VIDEO = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30, max: 30 },
};

/**
 * The video encoder's start rate the web app sets on every description it applies
 * (@app/client's VIDEO_START_KBPS, see its rtc/sdp.ts): the baselines start at the same rate.
 * Without it the encoder starts at the browser's 300 kbit/s, drops its first 720p frames and
 * adapts for about 200 ms after the connection is up.
 */
export const START_KBPS = 800;

/**
 * As the web app does: each video codec's fmtp line (added if missing) names the start rate.
 * Self-contained, so that it also runs in a page as `String(withStartRate)`.
 */
export function withStartRate(description, startKbps) {
  if (!startKbps) return description;
  const param = `x-google-start-bitrate=${startKbps}`;
  const sections = description.sdp.split(/\r\n(?=m=)/).map((section) => {
    if (!section.startsWith('m=video ')) return section;
    const codecs = [...section.matchAll(/^a=rtpmap:(\d+) (?:VP8|VP9|AV1|H264|H265)\/90000/gm)].map(
      (m) => m[1],
    );
    for (const pt of codecs) {
      const fmtp = new RegExp(`^(a=fmtp:${pt} .*)$`, 'm');
      section = fmtp.test(section)
        ? section.replace(fmtp, `$1;${param}`)
        : section.replace(new RegExp(`^(a=rtpmap:${pt} .*)$`, 'm'), `$1\r\na=fmtp:${pt} ${param}`);
    }
    return section;
  });
  return { type: description.type, sdp: sections.join('\r\n') };
}
