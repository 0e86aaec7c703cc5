/**
 * What it costs to bring tensors from the engine to the host, per way of running the engine
 * (docs/decisions.md, "The extension host runs the engine in a child process"): a
 * `worker_threads` worker (copy, and transfer list) next to a child process (`fork`'s IPC
 * with `serialization: 'advanced'`, and with JSON of plain arrays for scale). Payloads: the
 * full attention of a SmolLM2-135M-shaped model at 512 tokens (30 × [9, 512, 512] float32,
 * 283 MiB, what results carry today), one 16 MiB slice (a head at 2,048 tokens) and one
 * head at 512 tokens (1 MiB): what a view asks for.
 * Also: the host's worst event-loop stall while a payload arrives (deserialising runs on
 * the receiving thread), and the round trip of a tiny message.
 *
 *   npx tsx tools/bench/engineTransferBench.ts [--repeats N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';

const { values } = parseArgs({ options: { repeats: { type: 'string' } } });
const repeats = Number(values.repeats ?? 3);

/** The engine's side: builds a payload when asked, sends it when told (timed from here). */
const PEER = `
const isWorker = !process.send;
const port = isWorker ? require('node:worker_threads').parentPort : process;
let payload;
port.on('message', (m) => {
  if (m.make) {
    payload = m.make.map((n) => { const a = new Float32Array(n); for (let i = 0; i < n; i += 997) a[i] = i; return a; });
    if (m.json) payload = payload.map((a) => Array.from(a));
    port.postMessage ? port.postMessage({ made: true }) : port.send({ made: true });
  } else if (m.send) {
    if (isWorker) port.postMessage({ payload }, m.transfer ? payload.map((a) => a.buffer) : []);
    else port.send({ payload });
    payload = undefined;
  } else if (m.ping) {
    port.postMessage ? port.postMessage({ pong: true }) : port.send({ pong: true });
  }
});
if (!isWorker) process.on('disconnect', () => process.exit(0));
`;

interface Peer {
  post(message: unknown): void;
  next(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

function workerPeer(): Peer {
  const worker = new Worker(PEER, { eval: true });
  return {
    post: (message) => worker.postMessage(message),
    next: async () => (await once(worker, 'message'))[0],
    stop: async () => void (await worker.terminate()),
  };
}

function childPeer(serialization: 'advanced' | 'json'): Peer {
  const child: ChildProcess = spawn(process.execPath, ['-e', PEER], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization,
  });
  return {
    post: (message) => child.send(message as object),
    next: async () => (await once(child, 'message'))[0],
    stop: async () => {
      child.kill();
      await once(child, 'exit');
    },
  };
}

/** The longest gap between 1 ms ticks while `work` runs: how long the host's loop was blocked. */
async function withStall<T>(work: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 1);
  try {
    return { value: await work(), stallMs };
  } finally {
    clearInterval(timer);
  }
}

async function measure(
  peer: Peer,
  sizes: number[],
  options: { transfer?: boolean; json?: boolean },
): Promise<{ ms: number; stallMs: number }> {
  const runs: { ms: number; stallMs: number }[] = [];
  for (let i = 0; i < repeats; i++) {
    peer.post({ make: sizes, json: options.json });
    await peer.next();
    const started = performance.now();
    const { stallMs } = await withStall(async () => {
      peer.post({ send: true, transfer: options.transfer });
      await peer.next();
    });
    runs.push({ ms: performance.now() - started, stallMs });
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)];
}

async function pingMs(peer: Peer): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    peer.post({ ping: true });
    await peer.next();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[10];
}

const LAYER = 9 * 512 * 512;
const PAYLOADS: { name: string; sizes: number[] }[] = [
  { name: '30 × [9, 512, 512] float32 (283 MiB)', sizes: Array(30).fill(LAYER) },
  { name: 'one 16 MiB slice (a head at 2,048 tokens)', sizes: [4 * 1024 * 1024] },
  { name: 'one head at 512 tokens (1 MiB)', sizes: [512 * 512] },
];
const WAYS: { name: string; start: () => Peer; transfer?: boolean; json?: boolean }[] = [
  { name: 'worker_threads, copy', start: workerPeer },
  { name: 'worker_threads, transfer list', start: workerPeer, transfer: true },
  { name: "child process, serialization 'advanced'", start: () => childPeer('advanced') },
  { name: 'child process, JSON (plain arrays)', start: () => childPeer('json'), json: true },
];

async function main(): Promise<void> {
  console.log(
    `load average before: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  console.log(`median of ${repeats}; ms from "send" until the host holds the payload`);
  console.log('| way | payload | ms | MB/s | host loop stall ms |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const way of WAYS) {
    const peer = way.start();
    try {
      for (const payload of PAYLOADS) {
        // JSON of a 283 MiB float array is minutes and gigabytes: only the slice.
        if (way.json && payload.sizes.length > 1) continue;
        const { ms, stallMs } = await measure(peer, payload.sizes, way);
        const mb = (payload.sizes.reduce((a, b) => a + b, 0) * 4) / 2 ** 20;
        console.log(
          `| ${way.name} | ${payload.name} | ${ms.toFixed(1)} | ${(mb / (ms / 1000)).toFixed(0)} | ${stallMs.toFixed(1)} |`,
        );
      }
      console.log(
        `| ${way.name} | tiny message round trip | ${(await pingMs(peer)).toFixed(2)} | | |`,
      );
    } finally {
      await peer.stop();
    }
  }
  console.log(
    `load average after: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
}

void main();
