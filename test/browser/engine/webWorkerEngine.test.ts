/**
 * The engine in a browser Web Worker (the VS Code for the Web path): the bundled
 * dist/engine.webworker.js in Debian's Chromium, loading a fixture model over HTTP, gives
 * the same tokens and attention as the Node engine.
 */
import assert from 'node:assert/strict';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { ENGINE_PROTOCOL_VERSION } from '../../../src/protocol/engine';
import { ROOT, fixtureModel, sharedEngine } from '../../unit/engine/fixtures';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.html': 'text/html',
};
const PAGE = '<!DOCTYPE html><html><body>engine worker test</body></html>';
const TEXT = 'if (a) {\r\n  b(café); // 👩‍💻\n}';

/**
 * Runs in the page: starts the worker and speaks the engine protocol's wire messages
 * (src/protocol/rpc.ts) by hand. A string, because tsx would inject helpers into a
 * compiled function that do not exist in the page.
 */
const IN_PAGE = `async ({ origin, modelUrl, text, protocol }) => {
  const worker = new Worker(origin + '/dist/engine.webworker.js');
  worker.postMessage({ kind: 'init', options: { wasmDir: origin + '/dist/ort/', numThreads: 1 } });
  let nextId = 1;
  const call = (method, arg) => new Promise((resolve, reject) => {
    const id = nextId++;
    const onMessage = (event) => {
      if (event.data?.kind !== 'reply' || event.data.id !== id) return;
      worker.removeEventListener('message', onMessage);
      if (event.data.err) reject(new Error(event.data.err.message));
      else resolve(event.data.ok);
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ kind: 'call', id, method, arg });
  });
  const hello = await call('hello', { protocol });
  const result = await call('inspect', { runId: 1, modelDir: modelUrl, text });
  worker.terminate();
  return {
    hello,
    isFloat32: result.attentions.every((a) => a instanceof Float32Array),
    tokens: result.tokens,
    attentions: result.attentions.map((a) => Array.from(a)),
  };
}`;

function serveRepo(): Promise<Server> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    const file = normalize(join(ROOT, path));
    if (!file.startsWith(ROOT) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('engine in a browser Web Worker (dist/engine.webworker.js in Chromium)', function () {
  this.timeout(120000);
  let server: Server;
  let browser: Browser;
  let origin: string;

  before(async () => {
    assert.ok(
      existsSync(join(ROOT, 'dist', 'engine.webworker.js')),
      'run `node esbuild.mjs` first',
    );
    server = await serveRepo();
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('gives the same tokens and attention as the Node engine', async () => {
    const page = await browser.newPage();
    await page.goto(origin);
    const modelUrl = `${origin}/test/fixtures/models/decoder-attn`;
    const fromBrowser = (await page.evaluate(
      `(${IN_PAGE})(${JSON.stringify({ origin, modelUrl, text: TEXT, protocol: ENGINE_PROTOCOL_VERSION })})`,
    )) as {
      hello: { protocol: number };
      isFloat32: boolean;
      tokens: unknown;
      attentions: number[][];
    };
    const fromNode = await sharedEngine().inspect(fixtureModel('decoder-attn'), TEXT);
    assert.equal(fromBrowser.hello.protocol, ENGINE_PROTOCOL_VERSION);
    assert.equal(fromBrowser.isFloat32, true, 'tensors cross the worker boundary as Float32Arrays');
    assert.deepEqual(fromBrowser.tokens, fromNode.tokens);
    let worst = 0;
    fromNode.attentions.forEach((layer, l) => {
      layer.forEach((value, i) => {
        worst = Math.max(worst, Math.abs(value - fromBrowser.attentions[l][i]));
      });
    });
    assert.ok(worst < 1e-5, `browser and Node attention differ by ${worst}`);
  });
});
