import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import {
  chromium,
  expect,
  test,
  type Browser,
  type BrowserContext,
  type CDPSession,
  type Page,
} from '@playwright/test';
import {
  CHROMIUM_PATH,
  NETNS_CHROMIUM,
  type JanusServer,
  type NetLab,
  type OwnedProcess,
} from '@app/testbed';
import { hangUpButton, named, uniqueRoom } from '../support/call.ts';
import { chromiumArgs, playwrightDisableFeaturesArg } from '../support/chromium-args.ts';
import { startJanusLab, stopJanusLab } from '../support/janus.ts';
import { waitForLine } from '../support/netns.ts';
import { SERVER_ENTRY } from '../support/paths.ts';
import { sleep } from '../support/ports.ts';

/**
 * The benchmark's mesh against the media server (`pnpm bench --only=topology`): the same
 * people in a call of 2, 3 … 6, once through a server with no media server (every browser
 * sends its camera once per other person) and once through a server that moves every room
 * of two or more to a real Janus (each browser publishes once, three simulcast layers, and
 * receives through one connection). In each window it reads the raw counters: bytes sent
 * by each page's outbound RTP streams, each participant's Chromium CPU time (every process
 * of that browser), and Janus's CPU time. `bench/lib/topology.mjs` turns them into figures.
 *
 * As in specs/sfu.spec.ts, Janus runs in a namespace of its own (it skips loopback
 * interfaces), linked to the namespace where both signaling servers and every browser run.
 * Each person is one Chromium process. The camera is Chromium's built-in moving test
 * pattern (a solid colour would cost the encoder nothing and send almost no bytes), asked
 * for at TOPOLOGY_CAPTURE (default 640x360; the web app's default is 1280x720, which six
 * browsers encoding on two cores could not keep up with).
 */

const RESULT = process.env.TOPOLOGY_RESULT;
const SIZES = (process.env.TOPOLOGY_SIZES ?? '2,3,4,5,6').split(',').map(Number);
const WARMUP_MS = Number(process.env.TOPOLOGY_WARMUP_MS ?? 8000);
const WINDOW_MS = Number(process.env.TOPOLOGY_WINDOW_MS ?? 10_000);
const [CAPTURE_WIDTH, CAPTURE_HEIGHT] = (process.env.TOPOLOGY_CAPTURE ?? '640x360')
  .split('x')
  .map(Number) as [number, number];
const MAX_PEOPLE = Math.max(...SIZES);
const NAMES = ['Ada', 'Ben', 'Cy', 'Dee', 'Eve', 'Fay', 'Gus', 'Hal'];

const JANUS_ADDRESS = '10.82.0.1';
const EDGE_ADDRESS = '10.82.0.2';
const MESH_PORT = 3081;
const JANUS_PORT = 3082;

type Topology = 'mesh' | 'janus';

interface SendCounters {
  /** The page's clock (epoch ms). */
  at: number;
  /** bytesSent of every outbound RTP stream, audio and video, by connection and stats id. */
  bytes: Record<string, number>;
  /** The video streams alone, with their simulcast rid and what the encoder made of them. */
  video: Record<string, VideoStream>;
  /** Frames each page decoded of each remote video, and their width (the layer it gets). */
  received: Record<string, { frames: number; width: number | null }>;
  connections: number;
}

interface VideoStream {
  rid: string | null;
  bytes: number;
  width: number | null;
  height: number | null;
  fps: number | null;
  limitation: string | null;
}

interface Reading {
  /** When Janus's CPU was read (epoch ms). */
  janusAt: number;
  pages: SendCounters[];
  /** CPU seconds of each participant's Chromium processes, by pid. */
  cpu: Record<string, number>[];
  /** When each participant's CPU was read (epoch ms): on a busy machine the readings take seconds. */
  cpuAt: number[];
  /** Janus's /proc/<pid>/stat line. */
  janusStat: string;
}

let lab: NetLab;
/** Where both signaling servers and every browser run. */
let edge: string;
let janus: JanusServer;
const servers: Partial<Record<Topology, OwnedProcess>> = {};
const browsers: { browser: Browser; cdp: CDPSession }[] = [];

async function startSignal(topology: Topology): Promise<OwnedProcess> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    ROOM_CAPACITY: String(MAX_PEOPLE),
    PORT: String(topology === 'mesh' ? MESH_PORT : JANUS_PORT),
    // Every room of two or more moves to the media server (MESH_MAX is at least 1).
    ...(topology === 'janus' ? { JANUS_URLS: janus.url, MESH_MAX: '1' } : {}),
  };
  const server = lab.spawn(edge, `signal-${topology}`, process.execPath, [SERVER_ENTRY], env);
  const ready = topology === 'janus' ? /media server reached/ : /Signaling server listening on/;
  await waitForLine(server, ready, 30_000);
  return server;
}

/** A Chromium in the edge namespace with the built-in moving camera (no colour file). */
async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: NETNS_CHROMIUM,
    headless: true,
    env: { ...process.env, NETNS: edge, NETNS_CHROMIUM: CHROMIUM_PATH },
    args: chromiumArgs({ colour: 'red', grantMedia: true }).filter(
      (arg) => !arg.startsWith('--use-file-for-fake-video-capture='),
    ),
    ignoreDefaultArgs: [playwrightDisableFeaturesArg()],
  });
}

/** Before the app's scripts: every connection is kept for getStats, the camera asked for at the bench's size. */
function instrument(size: { width: number; height: number }): void {
  const connections: RTCPeerConnection[] = [];
  (window as unknown as { __benchConnections: RTCPeerConnection[] }).__benchConnections = connections;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = new Proxy(Native, {
    construct(target, args: [RTCConfiguration?], newTarget) {
      const connection = Reflect.construct(target, args, newTarget) as RTCPeerConnection;
      connections.push(connection);
      return connection;
    },
  });
  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = (constraints?: MediaStreamConstraints) => {
    const video = constraints?.video;
    if (!video) return getUserMedia(constraints);
    const asked = typeof video === 'object' ? video : {};
    return getUserMedia({
      ...constraints,
      video: { ...asked, width: { ideal: size.width }, height: { ideal: size.height } },
    });
  };
}

function sendCounters(page: Page): Promise<SendCounters> {
  return page.evaluate(async () => {
    const connections = (window as unknown as { __benchConnections: RTCPeerConnection[] }).__benchConnections;
    const bytes: Record<string, number> = {};
    const video: Record<string, VideoStream> = {};
    const received: Record<string, { frames: number; width: number | null }> = {};
    let open = 0;
    for (const [index, connection] of connections.entries()) {
      if (connection.connectionState === 'closed') continue;
      open += 1;
      const stats = await connection.getStats();
      stats.forEach(
        (
          report: RTCOutboundRtpStreamStats &
            RTCInboundRtpStreamStats & { kind?: string; qualityLimitationReason?: string },
        ) => {
          const key = `${index}:${report.id}`;
          if (report.type === 'inbound-rtp' && report.kind === 'video')
            received[key] = { frames: report.framesDecoded ?? 0, width: report.frameWidth ?? null };
          if (report.type !== 'outbound-rtp') return;
          bytes[key] = report.bytesSent ?? 0;
          if (report.kind === 'video')
            video[key] = {
              rid: report.rid ?? null,
              bytes: report.bytesSent ?? 0,
              width: report.frameWidth ?? null,
              height: report.frameHeight ?? null,
              fps: report.framesPerSecond ?? null,
              limitation: report.qualityLimitationReason ?? null,
            };
        },
      );
    }
    return { at: performance.timeOrigin + performance.now(), bytes, video, received, connections: open };
  });
}

async function browserCpu(cdp: CDPSession): Promise<Record<string, number>> {
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  return Object.fromEntries(processInfo.map((info) => [String(info.id), info.cpuTime]));
}

async function read(pages: Page[]): Promise<Reading> {
  const janusAt = Date.now();
  const janusStat = janus.pid === undefined ? '' : readFileSync(`/proc/${janus.pid}/stat`, 'utf8');
  const cpuAt: number[] = [];
  const [counters, cpu] = await Promise.all([
    Promise.all(pages.map(sendCounters)),
    Promise.all(
      browsers.slice(0, pages.length).map(async ({ cdp }, index) => {
        const times = await browserCpu(cdp);
        cpuAt[index] = Date.now();
        return times;
      }),
    ),
  ]);
  return { janusAt, janusStat, pages: counters, cpu, cpuAt };
}

/**
 * Opens the room and joins as `name`. The timeouts are long: with five browsers already
 * encoding on two cores, the sixth page takes many seconds to answer at all.
 */
async function join(page: Page, room: string, name: string): Promise<void> {
  const timeout = 90_000;
  await page.goto(`/r/${room}`, { timeout });
  await page.getByRole('textbox', { name: named('Your name') }).fill(name, { timeout });
  await page.getByRole('button', { name: named('Join') }).click({ timeout });
  await expect(hangUpButton(page), `${name} should be in the call`).toBeVisible({ timeout });
}

interface Playing {
  /** Remote videos with a frame to show. */
  playing: number;
  /** Each remote tile's text and its video's readyState, and each connection's state. */
  tiles: string[];
  connections: string[];
}

function playingVideos(page: Page): Promise<Playing> {
  return page.evaluate(() => {
    const tiles = [...document.querySelectorAll<HTMLElement>('[data-peer-id]')];
    const videos = tiles.map((tile) => tile.querySelector('video'));
    const connections = (window as unknown as { __benchConnections: RTCPeerConnection[] }).__benchConnections;
    return {
      playing: videos.filter((video) => video && video.readyState >= 2 && video.videoWidth > 0).length,
      tiles: tiles.map(
        (tile, i) => `${tile.innerText.trim().split('\n')[0]}: ${videos[i]?.readyState ?? 'no video'}`,
      ),
      connections: connections.map((connection) => connection.connectionState),
    };
  });
}

/**
 * Waits until every page shows everyone else's video on the expected topology. A page still
 * short of videos after 30 s (a busy machine, a connection that did not come up) does
 * not stop the run: what it lacked is returned and kept beside the window's figures.
 */
async function everyoneSeesEveryone(pages: Page[], topology: Topology): Promise<string[]> {
  const expected = topology === 'mesh' ? 'mesh' : 'sfu';
  const others = pages.length - 1;
  const shortfalls: string[] = [];
  for (const [index, page] of pages.entries()) {
    const who = `${topology}, ${pages.length} people: ${NAMES[index]}`;
    await expect(page.locator('[data-topology]'), `${who} is on the ${expected}`).toHaveAttribute(
      'data-topology',
      expected,
      { timeout: 90_000 },
    );
    const deadline = Date.now() + (shortfalls.length > 0 ? 3_000 : 30_000);
    let state = await playingVideos(page);
    while (state.playing < others && Date.now() < deadline) {
      await sleep(500);
      state = await playingVideos(page);
    }
    if (state.playing < others) {
      const shortfall = `${who} sees ${state.playing} of ${others} videos (tiles ${state.tiles.join(', ')}; connections ${state.connections.join(', ')})`;
      console.info(shortfall);
      shortfalls.push(shortfall);
    }
  }
  return shortfalls;
}

test.describe.configure({ timeout: 900_000 });

test.beforeAll(async () => {
  ({ lab, edge, janus } = await startJanusLab('topo', JANUS_ADDRESS, EDGE_ADDRESS));
  servers.mesh = await startSignal('mesh');
  servers.janus = await startSignal('janus');
  for (let i = 0; i < MAX_PEOPLE; i++) {
    const browser = await launchBrowser();
    browsers.push({ browser, cdp: await browser.newBrowserCDPSession() });
  }
});

test.afterAll(async () => {
  await Promise.all(browsers.map(({ browser }) => browser.close().catch(() => undefined)));
  for (const server of Object.values(servers)) await server?.stop();
  await stopJanusLab({ lab, janus });
});

// Playwright reads a test's fixtures from its destructuring: none here.
// eslint-disable-next-line no-empty-pattern
test('uplink and CPU per participant, mesh against Janus, 2 to 6 people', async ({}, testInfo) => {
  const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const windows: object[] = [];
  let capture: MediaTrackSettings | null = null;
  const askedCapture = { width: CAPTURE_WIDTH, height: CAPTURE_HEIGHT };
  // Janus first: on a machine too busy for six browsers in a mesh, its figures are in already.
  for (const topology of ['janus', 'mesh'] as const) {
    const origin = `http://127.0.0.1:${topology === 'mesh' ? MESH_PORT : JANUS_PORT}`;
    const room = uniqueRoom(`topology-${topology}`);
    const contexts: BrowserContext[] = [];
    const pages: Page[] = [];
    try {
      for (const people of SIZES) {
        // The room grows one person at a time: those already in it stay.
        while (pages.length < people) {
          const { browser } = browsers[pages.length]!;
          const context = await browser.newContext({
            baseURL: origin,
            viewport: { width: 1024, height: 720 },
          });
          await context.addInitScript(instrument, { width: CAPTURE_WIDTH, height: CAPTURE_HEIGHT });
          contexts.push(context);
          const page = await context.newPage();
          pages.push(page);
          await join(page, room, NAMES[pages.length - 1]!);
        }
        const shortfalls = await everyoneSeesEveryone(pages, topology);
        capture ??= await pages[0]!.evaluate(
          () =>
            [...document.querySelectorAll('video')]
              .map((video) => video.srcObject)
              .filter((stream): stream is MediaStream => stream instanceof MediaStream)
              .flatMap((stream) => stream.getVideoTracks())
              .find((track) => track.label !== '')
              ?.getSettings() ?? null,
        );
        // Bandwidth estimation and simulcast layers ramp up over the first seconds.
        await sleep(WARMUP_MS);
        const before = await read(pages);
        await sleep(WINDOW_MS);
        const after = await read(pages);
        windows.push({ topology, people, load1: loadavg()[0], shortfalls, before, after });
        // Written after every window: a run that fails later keeps what it measured.
        if (RESULT) {
          const result = {
            capture,
            askedCapture,
            warmupMs: WARMUP_MS,
            windowMs: WINDOW_MS,
            clockTicks,
            windows,
          };
          writeFileSync(RESULT, JSON.stringify(result));
        }
        console.info(
          `${topology}, ${people} people: measured ${((after.janusAt - before.janusAt) / 1000).toFixed(1)} s`,
        );
      }
    } catch (error) {
      await testInfo.attach('signal.log', {
        body: Object.values(servers)
          .map((server) => server?.output() ?? '')
          .join('\n'),
        contentType: 'text/plain',
      });
      await testInfo.attach('janus.log', { body: janus.output(), contentType: 'text/plain' });
      throw error;
    } finally {
      await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
    }
  }
  expect(windows).toHaveLength(SIZES.length * 2);
});
