#!/usr/bin/env node
/**
 * File-transfer benchmark: goodput of a 100 MB file between two Chromium pages on
 * loopback through the product's transfer code (packages/client/src/files: channel per
 * transfer, SCTP-sized chunks, ≤1 MiB queue, incremental SHA-256 on both sides, Blob sink),
 * against a raw RTCDataChannel blast (256 KiB messages, 8 MiB queue, no reading, hashing or
 * storing) measured in the same run on the same machine. Also: the sender's peak
 * bufferedAmount and the receiver's peak JS heap. Prints one JSON object.
 *
 * Usage: node bench/file-transfer.mjs [--size-mb=100] [--repetitions=3]
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'];
  }),
);
const sizeBytes = Math.round(Number(args['size-mb'] ?? 100) * 1_000_000);
const repetitions = Number(args.repetitions ?? 3);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** --profile: CPU-profile one extra transfer of ours on both pages and print the hottest functions. */
const profile = args.profile === 'true';

// esbuild comes with the signaling server's build; the bench reuses it rather than adding one.
const esbuild = createRequire(join(repo, 'apps/signal/package.json'))('esbuild');

async function bundle() {
  const result = await esbuild.build({
    entryPoints: [join(here, 'file-transfer/page.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    minify: !profile,
    logLevel: 'silent',
    // As the signaling server's build does: the protocol package is TypeScript source.
    alias: { '@app/protocol': join(repo, 'packages/protocol/src/index.ts') },
  });
  return result.outputFiles[0].text;
}

function serve(script) {
  const html =
    '<!doctype html><meta charset="utf-8"><title>file transfer bench</title><script type="module" src="/page.js"></script>';
  const server = createServer((request, response) => {
    if (request.url === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(script);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(html);
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000);

async function main() {
  const script = await bundle();
  const server = await serve(script);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--enable-precise-memory-info', '--js-flags=--expose-gc'],
  });
  try {
    // Two contexts: two renderer processes, as two people's browsers would be.
    const [sender, receiver] = await Promise.all(
      [0, 1].map(async () => {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(origin);
        await page.waitForFunction(() => 'bench' in window);
        return page;
      }),
    );
    const offer = await sender.evaluate(() => window.bench.offer());
    const answer = await receiver.evaluate((o) => window.bench.answer(o), offer);
    await sender.evaluate((a) => window.bench.accept(a), answer);
    const [maxMessageSize] = await Promise.all([
      sender.evaluate(() => window.bench.ready()),
      receiver.evaluate(() => window.bench.ready()),
    ]);

    const raw = [];
    const ours = [];
    for (let i = 0; i < repetitions; i++) {
      // Alternate so that drift on a shared machine hits both the same way.
      const rawReceive = receiver.evaluate((size) => window.bench.sink(size), sizeBytes);
      const rawSend = await sender.evaluate((size) => window.bench.blast(size), sizeBytes);
      const rawResult = await rawReceive;
      raw.push({ ...rawResult, peakBufferedAmount: rawSend.peakBufferedAmount });

      await Promise.all([sender, receiver].map((page) => page.evaluate(() => globalThis.gc?.())));
      const received = receiver.evaluate(() => window.bench.receiveFile());
      await sender.evaluate((size) => window.bench.sendFile(size), sizeBytes);
      const result = await received;
      if (result.status !== 'complete') throw new Error(`transfer ended ${result.status}`);
      const figures = await sender.evaluate(() => window.bench.senderFigures());
      // A finished file streamed to disk stays in OPFS until its download no longer needs it.
      const sink = (await receiver.evaluate(() => window.bench.opfsEntries())) > 0 ? 'opfs' : 'blob';
      ours.push({ ...result, ...figures, sink });
      await Promise.all([sender, receiver].map((page) => page.evaluate(() => globalThis.gc?.())));
    }

    let hotFunctions;
    if (profile) {
      const sessions = await Promise.all(
        [sender, receiver].map(async (page) => {
          const session = await page.context().newCDPSession(page);
          await session.send('Profiler.enable');
          await session.send('Profiler.start');
          return session;
        }),
      );
      const received = receiver.evaluate(() => window.bench.receiveFile());
      await sender.evaluate((size) => window.bench.sendFile(size), sizeBytes);
      await received;
      const [senderProfile, receiverProfile] = await Promise.all(
        sessions.map(async (session) => (await session.send('Profiler.stop')).profile),
      );
      hotFunctions = { sender: selfTimes(senderProfile), receiver: selfTimes(receiverProfile) };
    }

    const rawGoodput = median(raw.map((r) => mbps(r.bytes, r.ms)));
    const oursGoodput = median(ours.map((r) => mbps(r.bytes, r.ms)));
    console.log(
      JSON.stringify(
        {
          name: 'file-transfer',
          sizeBytes,
          repetitions,
          maxMessageSize,
          chunkSize: ours[0].chunkSize,
          ours: {
            goodputMBps: round(oursGoodput),
            runsMBps: ours.map((r) => round(mbps(r.bytes, r.ms))),
            peakBufferedAmountBytes: Math.max(...ours.map((r) => r.peakBufferedAmount)),
            receiverPeakHeapBytes: Math.max(...ours.map((r) => r.peakHeap)),
            receiverPeakHeapGrowthBytes: Math.max(...ours.map((r) => r.peakHeap - r.heapBefore)),
            receiverSink: ours[0].sink,
          },
          raw: {
            goodputMBps: round(rawGoodput),
            runsMBps: raw.map((r) => round(mbps(r.bytes, r.ms))),
            peakBufferedAmountBytes: Math.max(...raw.map((r) => r.peakBufferedAmount)),
            receiverPeakHeapBytes: Math.max(...raw.map((r) => r.peakHeap)),
            receiverPeakHeapGrowthBytes: Math.max(...raw.map((r) => r.peakHeap - r.heapBefore)),
          },
          ratio: round(oursGoodput / rawGoodput, 3),
          goalRatio: 0.8,
          ...(hotFunctions ? { hotFunctions } : {}),
          note: 'MB = 10^6 bytes. ours: accept to verified file (SHA-256 checked) on the receiver; raw: first to last byte on the receiver.',
        },
        null,
        2,
      ),
    );
  } finally {
    await browser.close();
    server.close();
  }
}

/** Share of samples per function (self time), top 12. */
function selfTimes({ nodes, samples }) {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const counts = new Map();
  for (const id of samples) {
    const frame = byId.get(id).callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([name, count]) => `${((count / samples.length) * 100).toFixed(1)}% ${name}`);
}

const round = (value, digits = 1) => Number(value.toFixed(digits));

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
