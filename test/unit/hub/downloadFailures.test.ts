import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { closedPort } from './fakeHub';
import { CHOSEN, GPT2_FILES, GRAPH, json, useLoopbackHub } from './loopbackHub';

describe('Hub download: interruptions and failures (loopback Hub)', function () {
  this.timeout(20_000);
  const loop = useLoopbackHub();

  it('resumes a dropped connection with a Range request, without fetching the bytes again', async () => {
    loop.hub.faults.dropAfter.set(GRAPH, 70_000);
    const result = await loop.download('Xenova/tiny-gpt2');
    const graphRequests = loop.hub.byteRequests.filter((r) => r.path === GRAPH);
    assert.equal(graphRequests.length, 2);
    assert.equal(graphRequests[0].range, undefined);
    assert.equal(graphRequests[1].range, `bytes=${graphRequests[0].bytesSent}-`);
    assert.equal(graphRequests[1].status, 206);
    assert.ok(
      graphRequests.every((r) => r.acceptEncoding?.startsWith('identity')),
      'ranges count bytes of the file itself',
    );
    assert.equal(graphRequests[0].bytesSent + graphRequests[1].bytesSent, GPT2_FILES[GRAPH].length);
    assert.ok((await fs.readFile(path.join(result.folder, GRAPH))).equals(GPT2_FILES[GRAPH]));
  });

  it('keeps a .part after an interruption and resumes it in the next download', async () => {
    loop.hub.faults.dropAfter.set(GRAPH, 70_000);
    await loop.rejectsWith(
      loop.download('Xenova/tiny-gpt2', { retries: 0 }),
      'offline',
      `dropped after 70000 of 200000 bytes of ${GRAPH}`,
      'resumes where it stopped',
    );
    const folder = path.join(loop.root, 'Xenova--tiny-gpt2');
    const part = (await fs.stat(path.join(folder, `${GRAPH}.part`))).size;
    assert.equal(part, 70_000);
    await assert.rejects(fs.stat(path.join(folder, GRAPH)), 'no final file before it is complete');
    const result = await loop.download('Xenova/tiny-gpt2');
    assert.equal(loop.hub.byteRequests.at(-1)?.range, 'bytes=70000-');
    assert.equal(result.fetchedBytes, GPT2_FILES[GRAPH].length - 70_000);
    assert.ok((await fs.readFile(path.join(folder, GRAPH))).equals(GPT2_FILES[GRAPH]));
  });

  it('starts a file over when the server ignores the Range request', async () => {
    loop.hub.faults.dropAfter.set(GRAPH, 70_000);
    await loop.download('Xenova/tiny-gpt2', { retries: 0 }).catch(() => undefined);
    loop.hub.faults.ignoreRange = true;
    const result = await loop.download('Xenova/tiny-gpt2');
    assert.equal(loop.hub.byteRequests.at(-1)?.status, 200);
    assert.ok((await fs.readFile(path.join(result.folder, GRAPH))).equals(GPT2_FILES[GRAPH]));
  });

  it('rejects a file whose SHA-256 differs from the LFS metadata, keeping neither file nor .part', async () => {
    const bad = Buffer.from(GPT2_FILES[GRAPH]);
    bad[12_345] ^= 0xff;
    loop.hub.faults.corrupt.set(GRAPH, bad);
    await loop.rejectsWith(
      loop.download('Xenova/tiny-gpt2'),
      'checksumMismatch',
      GRAPH,
      'Xenova/tiny-gpt2',
      'SHA-256',
      'discarded',
    );
    const files = await loop.filesUnder(path.join(loop.root, 'Xenova--tiny-gpt2'));
    assert.ok(!files.includes(GRAPH) && !files.includes(`${GRAPH}.part`), files.join(', '));
  });

  it('checks small files against their git blob id', async () => {
    loop.hub.faults.corrupt.set(
      'config.json',
      json({ model_type: 'gpt3', n_layer: 2, n_head: 2, n_embd: 8 }),
    );
    await loop.rejectsWith(
      loop.download('Xenova/tiny-gpt2'),
      'checksumMismatch',
      'config.json',
      'git blob SHA-1',
    );
    assert.ok(
      !(await loop.filesUnder(path.join(loop.root, 'Xenova--tiny-gpt2'))).some((f) =>
        f.startsWith('config.json'),
      ),
    );
  });

  it('says clearly when the Hub cannot be reached', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    await loop.rejectsWith(
      loop.download('Xenova/gpt2', { endpoint }),
      'offline',
      'Cannot reach the Hugging Face Hub',
      endpoint,
      'ECONNREFUSED',
    );
  });

  it('names a gated model and how to get access; the token opens it', async () => {
    await loop.rejectsWith(
      loop.download('acme/gated'),
      'gated',
      'acme/gated is a gated model',
      `${loop.hub.endpoint}/acme/gated`,
      'HF_TOKEN',
    );
    const result = await loop.download('acme/gated', { token: 'hf_secret' });
    assert.deepEqual(await loop.filesUnder(result.folder), CHOSEN);
  });

  it('names a token that is not one before anything is sent', async () => {
    await loop.rejectsWith(
      loop.download('Xenova/tiny-gpt2', { token: 'secret' }),
      'unauthorized',
      'HF_TOKEN is not a Hugging Face access token',
      'hf_',
    );
    assert.deepEqual(loop.hub.apiRequests, []);
  });

  it('ends a file list that stops arriving after the stall timeout', async () => {
    loop.hub.faults.stallListing = true;
    await loop.rejectsWith(
      loop.download('Xenova/tiny-gpt2', { stallMs: 300 }),
      'stalled',
      'No data arrived',
      'the file list of Xenova/tiny-gpt2',
    );
    assert.equal(loop.hub.byteRequests.length, 0);
  });

  it('says when a repository does not exist (the Hub answers 401 RepoNotFound)', async () => {
    await loop.rejectsWith(
      loop.download('acme/nothing-here'),
      'notFound',
      'acme/nothing-here was not found',
      'HF_TOKEN',
    );
  });

  it('says when a repository has no ONNX graph, or the id is malformed, before fetching anything', async () => {
    await loop.rejectsWith(
      loop.download('acme/pytorch-only'),
      'noGraph',
      'acme/pytorch-only',
      'optimum-cli export onnx',
    );
    await loop.rejectsWith(loop.download('a/b/c'), 'badRepoId', 'more than one "/"');
    assert.equal(loop.hub.byteRequests.length, 0);
  });

  it('cancelling leaves only a resumable .part, and the next download continues it', async () => {
    loop.hub.faults.stallAfter.set(GRAPH, 50_000);
    const controller = new AbortController();
    const started = loop.download('Xenova/tiny-gpt2', {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.file === GRAPH && p.doneBytes >= p.totalBytes - GPT2_FILES[GRAPH].length + 50_000)
          controller.abort();
      },
    });
    await loop.rejectsWith(started, 'cancelled');
    const folder = path.join(loop.root, 'Xenova--tiny-gpt2');
    const files = await loop.filesUnder(folder);
    assert.ok(files.includes(`${GRAPH}.part`) && !files.includes(GRAPH), files.join(', '));
    assert.equal((await fs.stat(path.join(folder, `${GRAPH}.part`))).size, 50_000);
    loop.hub.faults.stallAfter.clear();
    const result = await loop.download('Xenova/tiny-gpt2');
    assert.equal(loop.hub.byteRequests.at(-1)?.range, 'bytes=50000-');
    assert.deepEqual(await loop.filesUnder(result.folder), CHOSEN);
  });

  it('ends a stalled transfer after the stall timeout and resumes it', async () => {
    loop.hub.faults.stallAfter.set(GRAPH, 30_000);
    const first = loop.download('Xenova/tiny-gpt2', { stallMs: 300, retries: 0 });
    await loop.rejectsWith(first, 'stalled', 'No data arrived', GRAPH);
    loop.hub.faults.stallAfter.clear();
    const result = await loop.download('Xenova/tiny-gpt2');
    assert.equal(loop.hub.byteRequests.at(-1)?.range, 'bytes=30000-');
    assert.ok((await fs.readFile(path.join(result.folder, GRAPH))).equals(GPT2_FILES[GRAPH]));
  });
});
