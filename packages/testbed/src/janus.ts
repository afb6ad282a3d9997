import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { formatJcfg, mergeJcfg, parseJcfg, type JcfgGroup, type JcfgOverrides } from './jcfg.ts';
import { NetLab } from './netlab.ts';
import { JANUS_DEPLOY_DIR } from './paths.ts';
import type { OwnedProcess } from './process.ts';

/**
 * A real Janus for tests, started from the product's own configuration (deploy/janus) with a
 * few overrides. Janus ignores loopback interfaces when it gathers ICE candidates, so it runs
 * in a network namespace of its own, linked by a veth pair to a second namespace: a stub one
 * made here, or one the caller gives (where its browsers run). Its API listens on a unix
 * socket: filesystem sockets are shared across namespaces, so the test process, which stays
 * in the root namespace and may only use loopback there, reaches the API without any bridge.
 */

export const JANUS_CONFIG_FILES = [
  'janus.jcfg',
  'janus.plugin.videoroom.jcfg',
  'janus.transport.websockets.jcfg',
] as const;
export type JanusConfigFile = (typeof JANUS_CONFIG_FILES)[number];

/** The only plugin and transport the product's configuration lets Janus load. */
const EXPECTED_LOADS = [
  "Loading plugin 'libjanus_videoroom.so'",
  "Loading transport plugin 'libjanus_websockets.so'",
];

export interface JanusLink {
  /** The caller's namespace, at the other end of Janus's veth link. */
  ns: string;
  /** Janus's end of the link. */
  janusCidr: string;
  /** The caller's end of the link; Janus's default route points there. */
  peerCidr: string;
  /** Name of the caller's end (default `janus0`). */
  peerDev?: string;
}

export interface JanusServerOptions {
  /** The lab to make Janus's namespace in (the caller's, to link to its namespaces). */
  lab?: NetLab;
  /** Where Janus's namespace links to; without it, to a stub namespace made here. */
  link?: JanusLink;
  /** Janus's namespace's role in the lab (default `janus`): several Janus in one lab need their own. */
  role?: string;
  apiSecret?: string;
  /** The VideoRoom plugin's admin_key: room creation then requires it. */
  adminKey?: string;
  /** Settings changed on top of deploy/janus (e.g. a short session_timeout). */
  overrides?: Partial<Record<JanusConfigFile, JcfgOverrides>>;
  readyTimeoutMs?: number;
}

/** Janus's scheduling priority (negative: ahead of the browsers, which run at 0). */
export const JANUS_NICENESS = -10;

const DEFAULT_LINK = { janusCidr: '10.79.0.1/24', peerCidr: '10.79.0.2/24' };

function addressOf(cidr: string): string {
  return cidr.split('/')[0]!;
}

function readDeployConfig(file: JanusConfigFile): JcfgGroup {
  const parsed = parseJcfg(readFileSync(join(JANUS_DEPLOY_DIR, file), 'utf8'));
  if (!parsed.ok) throw new Error(`deploy/janus/${file} line ${parsed.line}: ${parsed.message}`);
  return parsed.value;
}

/** The configuration files a test Janus runs with: deploy/janus, then the test's settings, then the caller's. */
export function janusTestConfig(
  options: Pick<JanusServerOptions, 'apiSecret' | 'adminKey' | 'overrides'> & {
    socketPath: string;
    address: string;
  },
): Record<JanusConfigFile, string> {
  const own: Record<JanusConfigFile, JcfgOverrides> = {
    'janus.jcfg': {
      general: {
        // The address Janus puts in its SDP: it finds no default route to guess one from.
        interface: options.address,
        ...(options.apiSecret ? { api_secret: options.apiSecret } : {}),
      },
    },
    'janus.plugin.videoroom.jcfg': { general: options.adminKey ? { admin_key: options.adminKey } : {} },
    'janus.transport.websockets.jcfg': {
      general: { ws_ip: null, ws_port: null, ws_unix: options.socketPath },
    },
  };
  const files = {} as Record<JanusConfigFile, string>;
  for (const file of JANUS_CONFIG_FILES) {
    const merged = mergeJcfg(mergeJcfg(readDeployConfig(file), own[file]), options.overrides?.[file] ?? {});
    files[file] = formatJcfg(merged);
  }
  return files;
}

export class JanusServer {
  readonly #lab: NetLab;
  readonly #ownsLab: boolean;
  readonly #dir: string;
  readonly #readyTimeoutMs: number;
  #process: OwnedProcess | undefined;

  private constructor(
    lab: NetLab,
    ownsLab: boolean,
    dir: string,
    readyTimeoutMs: number,
    /** Janus's own namespace. */
    readonly ns: string,
    /** The namespace at the other end of Janus's link (the caller's, or the stub). */
    readonly peerNs: string,
    /** Janus's media address (its end of the link). */
    readonly address: string,
    readonly peerAddress: string,
    readonly socketPath: string,
  ) {
    this.#lab = lab;
    this.#ownsLab = ownsLab;
    this.#dir = dir;
    this.#readyTimeoutMs = readyTimeoutMs;
  }

  static async start(options: JanusServerOptions = {}): Promise<JanusServer> {
    const lab = options.lab ?? new NetLab('janus');
    const ownsLab = options.lab === undefined;
    const dir = mkdtempSync(join(tmpdir(), 'janus-'));
    try {
      const ns = lab.namespace(options.role ?? 'janus');
      const link = options.link ?? { ns: lab.namespace('edge'), ...DEFAULT_LINK };
      lab.link(
        { ns, dev: 'media0', cidr: link.janusCidr },
        { ns: link.ns, dev: link.peerDev ?? 'janus0', cidr: link.peerCidr },
      );
      lab.route(ns, addressOf(link.peerCidr));
      const socketPath = join(dir, 'api.sock');
      const files = janusTestConfig({ ...options, socketPath, address: addressOf(link.janusCidr) });
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
      const server = new JanusServer(
        lab,
        ownsLab,
        dir,
        options.readyTimeoutMs ?? 15_000,
        ns,
        link.ns,
        addressOf(link.janusCidr),
        addressOf(link.peerCidr),
        socketPath,
      );
      await server.restart();
      return server;
    } catch (error) {
      if (ownsLab) await lab.destroy().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The Janus API URL for `ws` (reachable from any namespace of this machine). */
  get url(): string {
    return `ws+unix://${this.socketPath}:/`;
  }

  /** Where the generated configuration files are (to read or check them). */
  get configDir(): string {
    return this.#dir;
  }

  /** Janus's own process id (`ip netns exec` execs it), to read its CPU time from /proc. */
  get pid(): number | undefined {
    return this.isRunning ? this.#process?.pid : undefined;
  }

  get isRunning(): boolean {
    return this.#process !== undefined && !this.#process.hasExited;
  }

  output(): string {
    return this.#process?.output() ?? '';
  }

  /** Starts Janus (again, after `stop`) with the same configuration, and waits until its API answers. */
  async restart(): Promise<void> {
    if (this.isRunning) throw new Error('Janus is already running');
    rmSync(this.socketPath, { force: true });
    // A media server has a machine of its own; here it shares two cores with every browser of
    // the test, and a Janus that waits for the CPU sends its packets late (it drops those over
    // a second old) and answers requests late. It goes first, as if it had its own cores.
    // `nice` execs Janus, so its pid is still Janus's own.
    const janus = this.#lab.spawn(
      this.ns,
      'janus',
      'nice',
      [
        `-n${JANUS_NICENESS}`,
        process.env.JANUS_PATH ?? 'janus',
        '-C',
        join(this.#dir, 'janus.jcfg'),
        '-F',
        this.#dir,
      ],
      {},
    );
    this.#process = janus;
    try {
      await this.#waitUntilReady(janus);
    } catch (error) {
      await janus.stop('SIGKILL');
      throw error;
    }
  }

  /** Ends Janus: SIGTERM lets it say goodbye to its sessions, SIGKILL imitates a crash. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.#process?.stop(signal, 3000);
  }

  /** Freezes Janus (SIGSTOP) or lets it go on (SIGCONT): a server that hangs with its sockets open. */
  freeze(isFrozen: boolean): void {
    const pid = this.#process?.pid;
    if (pid !== undefined && this.isRunning) process.kill(pid, isFrozen ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Stops Janus, deletes the namespaces made for it and its configuration directory. */
  async destroy(): Promise<void> {
    await this.stop();
    try {
      if (this.#ownsLab) await this.#lab.destroy();
    } finally {
      rmSync(this.#dir, { recursive: true, force: true });
    }
  }

  async #waitUntilReady(janus: OwnedProcess): Promise<void> {
    const deadline = Date.now() + this.#readyTimeoutMs;
    for (;;) {
      if (janus.hasExited) throw new Error(`Janus exited while starting:\n${janus.output()}`);
      if (existsSync(this.socketPath) && (await this.#answersInfo())) break;
      if (Date.now() > deadline) throw new Error(`Janus did not get ready:\n${janus.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // A .jcfg that does not parse makes Janus load everything with defaults instead of failing.
    const log = janus.output();
    const loads = log.split('\n').filter((line) => /Loading .*plugin '/.test(line));
    const problems = [
      ...(/Error parsing config file/.test(log) ? ['a configuration file did not parse'] : []),
      ...loads.filter((line) => !EXPECTED_LOADS.some((expected) => line.includes(expected))),
    ];
    if (problems.length > 0)
      throw new Error(`Janus did not start as configured: ${problems.join('; ')}\n${log}`);
  }

  #answersInfo(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = new WebSocket(this.url, 'janus-protocol');
      const timer = setTimeout(() => socket.terminate(), 1000);
      const finish = (isReady: boolean) => {
        clearTimeout(timer);
        socket.terminate();
        resolve(isReady);
      };
      socket.on('open', () => socket.send(JSON.stringify({ janus: 'info', transaction: 'ready' })));
      socket.on('message', (data) => finish(String(data).includes('"server_info"')));
      socket.on('error', () => finish(false));
      socket.on('close', () => finish(false));
    });
  }
}
