import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { listCachedModels } from '../../../src/hub/hubCache';
import { CHOSEN, GPT2_FILES, GRAPH, useLoopbackHub } from './loopbackHub';

type Name = keyof typeof GPT2_FILES;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitOid = (b: Buffer) =>
  createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
/** The Hub's etag, which names the blob: the LFS sha256 of graphs, the git blob sha1 of the rest. */
const etag = (name: Name) =>
  name.endsWith('.onnx') ? sha256(GPT2_FILES[name]) : gitOid(GPT2_FILES[name]);

describe('Hub download into the Hugging Face cache layout (loopback Hub)', function () {
  this.timeout(20_000);
  const loop = useLoopbackHub();
  const cacheDir = () => path.join(loop.root, 'hub');
  const storage = () => path.join(cacheDir(), 'models--Xenova--tiny-gpt2');
  const download = () => loop.download('Xenova/tiny-gpt2', { cacheDir: cacheDir() });

  it('writes blobs named by etag, snapshot links to them and refs/main, as huggingface_hub does', async () => {
    const result = await download();
    assert.equal(result.folder, path.join(storage(), 'snapshots', result.commit));
    assert.equal(await fs.readFile(path.join(storage(), 'refs', 'main'), 'utf8'), result.commit);
    assert.deepEqual(
      (await fs.readdir(path.join(storage(), 'blobs'))).sort(),
      CHOSEN.map((name) => etag(name as Name)).sort(),
    );
    for (const name of CHOSEN as Name[]) {
      const pointer = path.join(result.folder, name);
      const depth = name.split('/').length + 1; // snapshots/<commit>/[onnx/]name
      assert.equal(await fs.readlink(pointer), `${'../'.repeat(depth)}blobs/${etag(name)}`, name);
      assert.ok((await fs.readFile(pointer)).equals(GPT2_FILES[name]), name);
    }
    // What we wrote is what the cache listing (and so Python's tools) reads back.
    const listing = await listCachedModels(cacheDir());
    assert.deepEqual(
      listing.models.map((m) => [m.repo, m.commit, m.refs, m.family, m.variants]),
      [['Xenova/tiny-gpt2', result.commit, ['main'], 'gpt2', ['fp32']]],
    );
  });

  it('a file downloaded once is not downloaded again, nor one another tool left in blobs/', async () => {
    // As if Python had fetched the graph: its blob is there, the snapshot link is not.
    await fs.mkdir(path.join(storage(), 'blobs'), { recursive: true });
    await fs.writeFile(path.join(storage(), 'blobs', etag(GRAPH)), GPT2_FILES[GRAPH]);
    const first = await download();
    assert.equal(loop.hub.byteRequests.filter((r) => r.path === GRAPH).length, 0);
    assert.ok((await fs.readFile(path.join(first.folder, GRAPH))).equals(GPT2_FILES[GRAPH]));
    const requests = loop.hub.byteRequests.length;
    const again = await download();
    assert.equal(again.fetchedBytes, 0);
    assert.equal(loop.hub.byteRequests.length, requests);
  });

  it('resumes a blob.incomplete left by an interrupted download (ours or huggingface_hub’s)', async () => {
    const half = GPT2_FILES[GRAPH].subarray(0, 120_000);
    await fs.mkdir(path.join(storage(), 'blobs'), { recursive: true });
    await fs.writeFile(path.join(storage(), 'blobs', `${etag(GRAPH)}.incomplete`), half);
    const result = await download();
    const graphRequest = loop.hub.byteRequests.find((r) => r.path === GRAPH);
    assert.equal(graphRequest?.range, 'bytes=120000-');
    assert.equal(result.fetchedBytes, result.totalBytes - half.length);
    assert.ok((await fs.readFile(path.join(result.folder, GRAPH))).equals(GPT2_FILES[GRAPH]));
    const blobs = await fs.readdir(path.join(storage(), 'blobs'));
    assert.ok(!blobs.some((name) => name.endsWith('.incomplete')), blobs.join());
  });

  const lockOf = (name: Name) =>
    path.join(cacheDir(), '.locks', 'models--Xenova--tiny-gpt2', `${etag(name)}.inspector.lock`);

  it('waits while another process holds a blob’s lock, and can be cancelled while it waits', async () => {
    // Another process (our parent, alive) holds the lock of every blob this download needs.
    await fs.mkdir(path.dirname(lockOf('config.json')), { recursive: true });
    for (const name of CHOSEN as Name[]) await fs.writeFile(lockOf(name), String(process.ppid));
    const controller = new AbortController();
    const cancelled = loop.download('Xenova/tiny-gpt2', {
      cacheDir: cacheDir(),
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    controller.abort();
    await loop.rejectsWith(cancelled, 'cancelled');
    assert.equal(loop.hub.byteRequests.length, 0);
    const waiting = download();
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(loop.hub.byteRequests.length, 0, 'nothing fetched while the lock is held');
    for (const name of CHOSEN as Name[]) await fs.rm(lockOf(name));
    const result = await waiting;
    assert.equal(result.fetchedBytes, result.totalBytes);
    assert.deepEqual(await fs.readdir(path.dirname(lockOf('config.json'))), []);
  });

  it('takes over the lock of a process that has exited; two downloads at once fetch each blob once', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await fs.mkdir(path.dirname(lockOf('config.json')), { recursive: true });
    await fs.writeFile(lockOf('config.json'), String(dead));
    const [a, b] = await Promise.all([download(), download()]);
    assert.equal(a.fetchedBytes + b.fetchedBytes, a.totalBytes);
    for (const name of CHOSEN)
      assert.equal(loop.hub.byteRequests.filter((r) => r.path === name).length, 1, name);
    assert.ok((await fs.readFile(path.join(a.folder, GRAPH))).equals(GPT2_FILES[GRAPH]));
    assert.deepEqual(await fs.readdir(path.dirname(lockOf('config.json'))), []);
  });
});
