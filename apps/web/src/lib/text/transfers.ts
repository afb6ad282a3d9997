/** The words a file transfer's row shows: its state, in the person's terms. */
import { formatBytes, type TransferRow } from '@app/client';

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

export function pausedText(peerName: string): string {
  return `Paused, waiting for ${peerName}…`;
}

export function transferText(row: DescribedTransfer): string {
  const outgoing = row.direction === 'outgoing';
  if (isWaitingForPeer(row)) return pausedText(row.peerName);
  switch (row.status) {
    case 'offered':
      return outgoing
        ? `Waiting for ${row.peerName} to accept…`
        : `${row.peerName} wants to send you this file.`;
    case 'accepted':
      return 'Starting…';
    case 'sending':
      return row.progress ? 'Sending' : 'Starting…';
    case 'receiving':
      return row.progress ? 'Receiving' : 'Starting…';
    case 'paused':
      return pausedText(row.peerName);
    case 'needs-file':
      return needsFileText(row);
    case 'checking':
      return 'Checking that it is the same file…';
    case 'verifying':
      return 'Checking the file…';
    case 'done':
      return `Sent to ${row.peerName}. They received it intact.`;
    case 'complete':
      return 'Received and checked. It is in your downloads.';
    case 'declined':
      return `${row.peerName} declined the file.`;
    case 'cancelled':
      return row.byPeer ? `${row.peerName} cancelled the transfer.` : 'You cancelled the transfer.';
    case 'failed':
      return failedText(row);
  }
}

/** A sender that reloaded: the file must be chosen again, and which one it must be. */
function needsFileText(row: DescribedTransfer): string {
  if (row.note === 'wrong-file')
    return `That was not ${row.name} (${formatBytes(row.size)}). Choose the same file to continue.`;
  if (row.note === 'different-file')
    return `That file differs from the one ${row.peerName} has been receiving. Choose the original ${row.name} to continue.`;
  return `You reloaded the page while sending this to ${row.peerName}. Choose ${row.name} again to continue.`;
}

function failedText(row: DescribedTransfer): string {
  const outgoing = row.direction === 'outgoing';
  if (row.reason === 'corrupt') {
    return outgoing
      ? `The file arrived damaged at ${row.peerName}, so it was not saved. Try sending it again.`
      : 'The file arrived damaged (its checksum did not match), so it was not saved. Ask for it again.';
  }
  if (row.reason === 'too-large') {
    return outgoing
      ? 'The transfer was stopped: more data was sent than announced.'
      : 'The transfer was stopped: the sender sent more than the announced size. Nothing was saved.';
  }
  return 'The transfer broke off. Check the connection and try again.';
}
