import { createServer, type AddressInfo } from 'node:net';
import { connect } from 'node:net';

/** A loopback TCP port that was free a moment ago: the kernel picks it for a listener on port 0. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A block of consecutive free ports (for coturn's relay range). Ports are only probed, so
 * another process could take one in between; the range is wide enough for that not to matter.
 */
export async function freePortRange(size: number): Promise<{ min: number; max: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const min = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = Array.from({ length: size }, (_, i) => min + i);
    const free = await Promise.all(ports.map(isPortFree));
    if (free.every(Boolean)) return { min, max: min + size - 1 };
  }
  throw new Error(`No block of ${size} free loopback ports found`);
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Resolves once something accepts TCP connections on the port, or rejects after the deadline. */
export async function waitForTcp(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    if (Date.now() > deadline)
      throw new Error(`Nothing accepted connections on ${host}:${port} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
