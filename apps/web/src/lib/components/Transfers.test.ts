// @vitest-environment jsdom
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { TransferView as TransferRow } from '../state/sharing.svelte.ts';
import Transfers from './Transfers.svelte';

function row(change: Partial<TransferRow>): TransferRow {
  return {
    key: 'incoming\npeer\nt1',
    id: 't1',
    direction: 'incoming',
    peerId: 'peer',
    peerName: 'Alice',
    name: 'holiday.jpg',
    size: 3_000_000,
    status: 'offered',
    reason: null,
    byPeer: false,
    note: null,
    isPeerAway: false,
    progress: null,
    ...change,
  };
}

function renderRows(transfers: TransferRow[]) {
  const handlers = {
    onaccept: vi.fn(),
    ondecline: vi.fn(),
    oncancel: vi.fn(),
    ondismiss: vi.fn(),
    onchooseagain: vi.fn(),
  };
  render(Transfers, { transfers, ...handlers });
  return handlers;
}

describe('Transfers', () => {
  it('asks the receiver to accept or decline, by file name', async () => {
    const handlers = renderRows([row({})]);
    await userEvent.click(screen.getByRole('button', { name: 'Accept holiday.jpg' }));
    await userEvent.click(screen.getByRole('button', { name: 'Decline holiday.jpg' }));
    expect(handlers.onaccept).toHaveBeenCalledWith('incoming\npeer\nt1');
    expect(handlers.ondecline).toHaveBeenCalledWith('incoming\npeer\nt1');
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('shows progress with speed and time left, and a Cancel button', async () => {
    const progress = {
      bytes: 1_500_000,
      total: 3_000_000,
      fraction: 0.5,
      bytesPerSecond: 2_000_000,
      secondsLeft: 0.75,
    };
    const handlers = renderRows([row({ direction: 'outgoing', key: 'out', status: 'sending', progress })]);
    const bar = screen.getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('50');
    expect(bar.getAttribute('aria-valuemax')).toBe('100');
    expect(screen.getByText(/2\.0 MB\/s/)).toBeTruthy();
    expect(screen.getByText(/less than a second left/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel holiday.jpg' }));
    expect(handlers.oncancel).toHaveBeenCalledWith('out');
  });

  it('shows 100% once the file is verified', () => {
    renderRows([row({ status: 'complete' })]);
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(screen.getByText(/received and checked/i)).toBeTruthy();
  });

  it('says in plain words that a corrupt file was not saved', () => {
    renderRows([row({ status: 'failed', reason: 'corrupt' })]);
    expect(screen.getByText(/arrived damaged .* not saved/i)).toBeTruthy();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  const halfway = { bytes: 1_500_000, total: 3_000_000, fraction: 0.5, bytesPerSecond: 0, secondsLeft: null };

  it('says a paused transfer waits for the other person, keeps its progress and its Cancel button', () => {
    renderRows([row({ status: 'paused', progress: halfway })]);
    expect(screen.getByRole('status').textContent).toBe('Paused, waiting for Alice…');
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50');
    expect(screen.getByRole('button', { name: 'Cancel holiday.jpg' })).toBeTruthy();
    expect(screen.queryByText(/left/)).toBeNull();
  });

  it('shows a running transfer as paused while the other person cannot be reached', () => {
    renderRows([row({ direction: 'outgoing', status: 'sending', isPeerAway: true, progress: halfway })]);
    expect(screen.getByRole('status').textContent).toBe('Paused, waiting for Alice…');
  });

  it('asks a sender who reloaded to choose the same file again, in plain words', async () => {
    const handlers = renderRows([row({ direction: 'outgoing', key: 'out', status: 'needs-file' })]);
    expect(screen.getByRole('status').textContent).toBe(
      'You reloaded the page while sending this to Alice. Choose holiday.jpg again to continue.',
    );
    expect(screen.queryByRole('progressbar')).toBeNull();
    const file = new File(['x'], 'holiday.jpg');
    const chooser = document.querySelector<HTMLInputElement>('input[type=file]')!;
    const opened = vi.spyOn(chooser, 'click').mockImplementation(() => undefined);
    await userEvent.click(screen.getByRole('button', { name: 'Choose holiday.jpg again' }));
    expect(opened).toHaveBeenCalled();
    await userEvent.upload(chooser, file);
    expect(handlers.onchooseagain).toHaveBeenCalledWith('out', file);
  });

  it('says which file it needs when the one chosen again is not it', () => {
    renderRows([row({ direction: 'outgoing', status: 'needs-file', note: 'wrong-file' })]);
    expect(screen.getByRole('status').textContent).toBe(
      'That was not holiday.jpg (3.0 MB). Choose the same file to continue.',
    );
  });
});
