// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeNetworkWindow as fakeWindow } from '../lib/state/fake-network.ts';
import { NetworkStatus } from '../lib/state/network.svelte.ts';
import { rememberRoom } from '../lib/storage.ts';
import Landing from './Landing.svelte';

beforeEach(() => localStorage.clear());

function onlineNetwork(): NetworkStatus {
  return new NetworkStatus({ window: fakeWindow().window, probeServer: () => Promise.resolve(true) });
}

describe('Landing', () => {
  it('explains an invalid room name and stays on the page', async () => {
    const navigate = vi.fn();
    render(Landing, { navigate, network: onlineNetwork() });
    await fireEvent.input(screen.getByLabelText('Room'), { target: { value: 'bad room!' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(screen.getByRole('alert').textContent).toMatch(/room name/);
    expect(navigate).not.toHaveBeenCalled();
  });

  it('joins a valid room and creates random rooms', async () => {
    const navigate = vi.fn();
    render(Landing, { navigate, network: onlineNetwork() });
    await fireEvent.input(screen.getByLabelText('Room'), { target: { value: 'team-standup' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(navigate).toHaveBeenLastCalledWith('/r/team-standup');
    await fireEvent.click(screen.getByRole('button', { name: 'Create room' }));
    expect(navigate.mock.calls.at(-1)?.[0]).toMatch(/^\/r\/[A-Za-z0-9_-]{10}$/);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('lists recent rooms as links', () => {
    rememberRoom('yesterday');
    render(Landing, { navigate: vi.fn(), network: onlineNetwork() });
    expect(screen.getByRole('link', { name: 'yesterday' }).getAttribute('href')).toBe('/r/yesterday');
  });

  it('says a call needs the network while offline, and starts one once it is back', async () => {
    const device = fakeWindow(false);
    const probeServer = vi.fn(() => Promise.resolve(true));
    const navigate = vi.fn();
    render(Landing, { navigate, network: new NetworkStatus({ window: device.window, probeServer }) });
    expect(screen.getByRole('status').textContent).toMatch(/offline.*a call needs the network/i);

    await fireEvent.click(screen.getByRole('button', { name: 'Create room' }));
    expect(navigate).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/connect to the internet/i));

    device.setOnline(true);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(''));
    expect(screen.queryByRole('alert')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Create room' }));
    expect(navigate).toHaveBeenCalledTimes(1);
    expect(probeServer).not.toHaveBeenCalled();
  });

  it('says when the server cannot be reached, and asks it again when Join is pressed', async () => {
    let isServerUp = false;
    const navigate = vi.fn();
    const network = new NetworkStatus({
      window: fakeWindow().window,
      probeServer: () => Promise.resolve(isServerUp),
    });
    await network.checkServer();
    render(Landing, { navigate, network });
    expect(screen.getByRole('status').textContent).toMatch(/server cannot be reached/i);
    await fireEvent.input(screen.getByLabelText('Room'), { target: { value: 'standup' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/still cannot be reached/i));
    expect(navigate).not.toHaveBeenCalled();

    isServerUp = true;
    await fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    await waitFor(() => expect(navigate).toHaveBeenCalledWith('/r/standup'));
    network.close();
  });
});
