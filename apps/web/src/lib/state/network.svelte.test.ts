import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeNetworkWindow as fakeWindow } from './fake-network.ts';
import { NetworkStatus, PROBE_RETRY_MS } from './network.svelte.ts';

const statuses: NetworkStatus[] = [];
afterEach(() => {
  for (const status of statuses.splice(0)) status.close();
  vi.useRealTimers();
});

function networkStatus(options: ConstructorParameters<typeof NetworkStatus>[0]): NetworkStatus {
  const status = new NetworkStatus(options);
  statuses.push(status);
  return status;
}

describe('NetworkStatus', () => {
  it('follows the browser going offline and online', () => {
    const device = fakeWindow(true);
    const network = networkStatus({ window: device.window, probeServer: () => Promise.resolve(true) });
    expect(network.canReachServer).toBe(true);
    device.setOnline(false);
    expect(network.isOnline).toBe(false);
    expect(network.canReachServer).toBe(false);
    device.setOnline(true);
    expect(network.canReachServer).toBe(true);
  });

  it('never asks the server while offline', async () => {
    const probeServer = vi.fn(() => Promise.resolve(true));
    const network = networkStatus({ window: fakeWindow(false).window, probeServer });
    expect(await network.checkServer()).toBe(false);
    expect(await network.canStartCall()).toBe(false);
    expect(probeServer).not.toHaveBeenCalled();
  });

  it('starts a call without a request unless the server was found unreachable', async () => {
    let isServerUp = true;
    const probeServer = vi.fn(() => Promise.resolve(isServerUp));
    const network = networkStatus({ window: fakeWindow(true).window, probeServer });
    expect(await network.canStartCall()).toBe(true);
    expect(probeServer).not.toHaveBeenCalled();

    isServerUp = false;
    expect(await network.checkServer()).toBe(false);
    expect(network.canReachServer).toBe(false);
    isServerUp = true;
    expect(await network.canStartCall()).toBe(true);
    expect(probeServer).toHaveBeenCalledTimes(2);
    expect(network.canReachServer).toBe(true);
  });

  it('sends one probe at a time, and counts a failed probe as unreachable', async () => {
    const answers: Array<(isUp: boolean) => void> = [];
    const probeServer = vi.fn(() => new Promise<boolean>((resolve) => answers.push(resolve)));
    const network = networkStatus({ window: fakeWindow(true).window, probeServer });
    const first = network.checkServer();
    const second = network.checkServer();
    expect(probeServer).toHaveBeenCalledTimes(1);
    answers[0]?.(true);
    expect(await first).toBe(true);
    expect(await second).toBe(true);

    const failing = networkStatus({
      window: fakeWindow(true).window,
      probeServer: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    expect(await failing.checkServer()).toBe(false);
    expect(failing.isServerReachable).toBe(false);
  });

  it('asks an unreachable server again until it answers, and again when the device comes back online', async () => {
    vi.useFakeTimers();
    let isServerUp = false;
    const probeServer = vi.fn(() => Promise.resolve(isServerUp));
    const device = fakeWindow(true);
    const network = networkStatus({ window: device.window, probeServer });
    await network.checkServer();
    await vi.advanceTimersByTimeAsync(PROBE_RETRY_MS);
    expect(probeServer).toHaveBeenCalledTimes(2);
    isServerUp = true;
    await vi.advanceTimersByTimeAsync(PROBE_RETRY_MS);
    expect(network.isServerReachable).toBe(true);
    await vi.advanceTimersByTimeAsync(PROBE_RETRY_MS * 3);
    expect(probeServer).toHaveBeenCalledTimes(3);

    isServerUp = false;
    await network.checkServer();
    device.setOnline(false);
    await vi.advanceTimersByTimeAsync(PROBE_RETRY_MS * 3);
    // Offline: the retries stop without a request.
    expect(probeServer).toHaveBeenCalledTimes(4);
    isServerUp = true;
    device.setOnline(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(probeServer).toHaveBeenCalledTimes(5);
    expect(network.canReachServer).toBe(true);
  });

  it('stops asking once closed', async () => {
    vi.useFakeTimers();
    const probeServer = vi.fn(() => Promise.resolve(false));
    const network = networkStatus({ window: fakeWindow(true).window, probeServer });
    await network.checkServer();
    network.close();
    await vi.advanceTimersByTimeAsync(PROBE_RETRY_MS * 3);
    expect(probeServer).toHaveBeenCalledTimes(1);
  });
});
