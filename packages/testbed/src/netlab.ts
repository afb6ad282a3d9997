import { execFileSync } from 'node:child_process';
import { OwnedProcess } from './process.ts';
import { REPO_ROOT } from './paths.ts';
import { parseUdpCounters, type UdpCounters } from './udp.ts';

/**
 * Private networks for tests: Linux network namespaces joined by veth pairs, with iptables
 * rules only inside those namespaces. The root namespace gets no address, route or rule,
 * so nothing outside the test's own namespaces is touched. Deleting a namespace deletes
 * its veth ends and its rules with it.
 */

/** Every namespace of a lab is `<prefix>-<pid of the test process>-<n>-<role>`. */
export const DEFAULT_PREFIX = 'e2enet';

export function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`\`${command} ${args.join(' ')}\` failed: ${failure.stderr?.trim() || failure.message}`, {
      cause: error,
    });
  }
}

function listNamespaces(): string[] {
  return run('ip', ['netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0]!.trim())
    .filter(Boolean);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Ends whatever still runs inside the namespace, then deletes it (its veths and rules go too). */
function deleteNamespace(name: string): void {
  const pids = run('ip', ['netns', 'pids', name])
    .split('\n')
    .map(Number)
    .filter((pid) => pid > 0);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  run('ip', ['netns', 'del', name]);
}

/**
 * Namespaces left by a test process that crashed (its pid no longer runs). Those of a run
 * still going on are left alone.
 */
export function removeStaleNamespaces(prefix = DEFAULT_PREFIX): string[] {
  const stale = listNamespaces().filter((name) => {
    const match = new RegExp(`^${prefix}-(\\d+)-`).exec(name);
    return match !== null && Number(match[1]) !== process.pid && !isAlive(Number(match[1]));
  });
  for (const name of stale) deleteNamespace(name);
  return stale;
}

const labCounts = new Map<string, number>();

export interface LinkEnd {
  ns: string;
  dev: string;
  cidr: string;
}

export class NetLab {
  readonly tag: string;
  readonly #namespaces: string[] = [];
  readonly #processes: OwnedProcess[] = [];

  constructor(prefix = DEFAULT_PREFIX) {
    const count = (labCounts.get(prefix) ?? 0) + 1;
    labCounts.set(prefix, count);
    this.tag = `${prefix}-${process.pid}-${count}`;
  }

  namespace(role: string): string {
    const name = `${this.tag}-${role}`;
    run('ip', ['netns', 'add', name]);
    this.#namespaces.push(name);
    // IPv4 only: an IPv6 address finishes its duplicate check a second or two after a link
    // comes up, and a browser started by then sees the network change and fails the
    // requests it has in flight (net::ERR_NETWORK_CHANGED).
    this.exec(name, 'sysctl', [
      '-q',
      '-w',
      'net.ipv6.conf.all.disable_ipv6=1',
      'net.ipv6.conf.default.disable_ipv6=1',
    ]);
    this.exec(name, 'ip', ['link', 'set', 'lo', 'up']);
    return name;
  }

  exec(ns: string, command: string, args: string[]): string {
    return run('ip', ['netns', 'exec', ns, command, ...args]);
  }

  /** A veth pair between two namespaces, made inside them (no name ever exists in the root namespace). */
  link(a: LinkEnd, b: LinkEnd): void {
    run('ip', ['link', 'add', a.dev, 'netns', a.ns, 'type', 'veth', 'peer', 'name', b.dev, 'netns', b.ns]);
    for (const end of [a, b]) {
      this.exec(end.ns, 'ip', ['addr', 'add', end.cidr, 'dev', end.dev]);
      this.exec(end.ns, 'ip', ['link', 'set', end.dev, 'up']);
    }
  }

  route(ns: string, via: string): void {
    this.exec(ns, 'ip', ['route', 'add', 'default', 'via', via]);
  }

  forward(ns: string): void {
    this.exec(ns, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
  }

  iptables(ns: string, args: string[]): void {
    this.exec(ns, 'iptables', ['-w', ...args]);
  }

  /** `ns`'s UDP counters so far (see UdpCounters). */
  udpCounters(ns: string): UdpCounters {
    return parseUdpCounters(this.exec(ns, 'cat', ['/proc/net/snmp']));
  }

  /** A process inside `ns` (`ip netns exec` execs it: the pid is the program's own). */
  spawn(
    ns: string,
    label: string,
    command: string,
    args: string[],
    env: Record<string, string>,
  ): OwnedProcess {
    const child = new OwnedProcess(label, 'ip', ['netns', 'exec', ns, command, ...args], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        ...env,
      },
    });
    this.#processes.push(child);
    return child;
  }

  /** Stops every process and deletes every namespace; goes on past errors and reports them all. */
  async destroy(): Promise<void> {
    const problems: string[] = [];
    await Promise.all(this.#processes.map((child) => child.stop('SIGTERM', 2000).catch(() => undefined)));
    for (const name of this.#namespaces.splice(0)) {
      try {
        deleteNamespace(name);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    const left = listNamespaces().filter((name) => name.startsWith(`${this.tag}-`));
    if (left.length > 0) problems.push(`namespaces still there: ${left.join(', ')}`);
    if (problems.length > 0) throw new Error(`Network teardown: ${problems.join('; ')}`);
  }
}
