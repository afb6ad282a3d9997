/** The words a file transfer's row shows: its state, in the person's terms and language. */
import type { TransferRow } from '@app/client';
import type { Messages } from '../i18n/en.ts';
import { formatBytes } from '../i18n/format.ts';

/** What the row needs to be described: the client's row with the other person's name now. */
export type DescribedTransfer = Pick<
  TransferRow,
  'direction' | 'status' | 'reason' | 'byPeer' | 'note' | 'name' | 'size' | 'progress' | 'isPeerAway'
> & { peerName: string };

const RUNNING: readonly TransferRow['status'][] = ['sending', 'verifying', 'accepted', 'receiving'];

/** Under way, but the other side cannot be reached: it left (it may come back) or its connection is down. */
export function isWaitingForPeer(row: DescribedTransfer): boolean {
  return row.status === 'paused' || (row.isPeerAway && RUNNING.includes(row.status));
}

export function transferText(t: Messages, locale: string, row: DescribedTransfer): string {
  const words = t.files;
  const outgoing = row.direction === 'outgoing';
  const name = row.peerName;
  if (isWaitingForPeer(row)) return words.paused(name);
  switch (row.status) {
    case 'offered':
      return outgoing ? words.waitingFor(name) : words.offered(name);
    case 'accepted':
      return words.starting;
    case 'sending':
      return row.progress ? words.sendingNow : words.starting;
    case 'receiving':
      return row.progress ? words.receivingNow : words.starting;
    case 'paused':
      return words.paused(name);
    case 'needs-file':
      if (row.note === 'wrong-file') return words.wrongFile(row.name, formatBytes(row.size, locale));
      if (row.note === 'different-file') return words.differentFile(row.name, name);
      return words.chooseAgainAfterReload(row.name, name);
    case 'checking':
      return words.checkingSameFile;
    case 'verifying':
      return words.checking;
    case 'done':
      return words.sent(name);
    case 'complete':
      return words.received;
    case 'declined':
      return words.declined(name);
    case 'cancelled':
      return row.byPeer ? words.cancelledByPeer(name) : words.cancelledByYou;
    case 'failed':
      if (row.reason === 'corrupt') return outgoing ? words.damagedThere(name) : words.damagedHere;
      if (row.reason === 'too-large') return outgoing ? words.tooLargeSent : words.tooLargeReceived;
      return words.broke;
  }
}
