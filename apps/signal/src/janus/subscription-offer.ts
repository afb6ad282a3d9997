import type { SubscriptionStream } from './videoroom-messages.ts';

const KINDS: Record<string, SubscriptionStream['type']> = {
  audio: 'audio',
  video: 'video',
  application: 'data',
};

/**
 * A subscription's streams read back from one of Janus's offers: what a process that
 * claimed someone else's subscriber handle needs, since Janus answers no request with a
 * subscription's streams without changing it. Needs a subscription made with `use_msid`,
 * whose m-lines say `a=msid:<feed> <mid>`; an inactive m-line (port 0 or `a=inactive`) is a
 * stream whose publisher went away.
 */
export function streamsOfOffer(sdp: string): SubscriptionStream[] {
  const sections = sdp.split(/\r?\n(?=m=)/).slice(1);
  return sections.flatMap((section, mindex) => {
    const lines = section.split(/\r?\n/);
    const media = /^m=(\w+) (\d+) /.exec(lines[0] ?? '');
    const type = media ? KINDS[media[1] ?? ''] : undefined;
    const mid = attribute(lines, 'mid');
    if (!media || !type || mid === undefined) return [];
    const isActive = media[2] !== '0' && !lines.includes('a=inactive');
    const feed = attribute(lines, 'msid')?.split(' ')[0];
    const feedId = feed !== undefined && /^\d{1,16}$/.test(feed) ? Number(feed) : undefined;
    const stream: SubscriptionStream = { mindex, mid, type, active: isActive };
    if (feedId !== undefined && feedId > 0 && Number.isSafeInteger(feedId)) stream.feed_id = feedId;
    return [stream];
  });
}

function attribute(lines: readonly string[], name: string): string | undefined {
  const prefix = `a=${name}:`;
  return lines
    .find((line) => line.startsWith(prefix))
    ?.slice(prefix.length)
    .trim();
}
