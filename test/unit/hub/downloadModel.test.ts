import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadModel, type DownloadProgress } from '../../../src/hub/downloadModel';
import { HubError } from '../../../src/hub/hubError';
import { closedPort, FakeHub, pseudoRandomBytes } from './fakeHub';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** A Transformers.js-style repository: side files, three graph variants, things not to fetch. */
const GPT2_FILES = {
  'config.json': json({ model_type: 'gpt2', n_layer: 2, n_head: 2, n_embd: 8 }),
  'tokenizer.json': json({ version: '1.0', model: { type: 'BPE', vocab: { a: 0 }, merges: [] } }),
  'tokenizer_config.json': json({ add_bos_token: false }),
  'special_tokens_map.json': json({ bos_token: '<|endoftext|>' }),
  'generation_config.json': json({ bos_token_id: 0 }),
  'README.md': Buffer.from('# tiny\n'),
  'pytorch_model.bin': pseudoRandomBytes(4_000, 1),
  'onnx/model.onnx': pseudoRandomBytes(200_000, 2),
  'onnx/model_fp16.onnx': pseudoRandomBytes(100_000, 3),
  'onnx/model_quantized.onnx': pseudoRandomBytes(50_000, 4),
};
const CHOSEN = [
  'config.json',
  'generation_config.json',
  'onnx/model.onnx',
  'special_tokens_map.json',
  'tokenizer.json',
  'tokenizer_config.json',
];
const GRAPH = 'onnx/model.onnx';

describe('Hub download (loopback Hub)', function () {
  this.timeout(20_000);
  let hub: FakeHub;
  let root: string;

  beforeEach(async () => {
    hub = new FakeHub({
      'Xenova/tiny-gpt2': { files: GPT2_FILES },
      'acme/gated': { files: GPT2_FILES, gatedToken: 'hf_secret' },
      'acme/external': {
        files: {
          'config.json': GPT2_FILES['config.json'],
          'tokenizer.json': GPT2_FILES['tokenizer.json'],
          'model.onnx': pseudoRandomBytes(3_000, 5),
          'model.onnx_data': pseudoRandomBytes(20_000, 6),
          'model.onnx_data_1': pseudoRandomBytes(10_000, 7),
          'model_fp16.onnx': pseudoRandomBytes(2_000, 8),
          'model_fp16.onnx_data': pseudoRandomBytes(10_000, 9),
        },
      },
      'acme/pytorch-only': {
        files: {
          'config.json': GPT2_FILES['config.json'],
          'pytorch_model.bin': pseudoRandomBytes(100, 1),
        },
      },
    });
    await hub.start();
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-test-'));
  });

  afterEach(async () => {
    await hub.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  const download = (repo: string, extra: Partial<Parameters<typeof downloadModel>[0]> = {}) =>
    downloadModel({ repo, root, endpoint: hub.endpoint, token: '', stallMs: 5_000, ...extra });

  async function filesUnder(dir: string): Promise<string[]> {
    const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort();
  }

  async function rejectsWith(
    promise: Promise<unknown>,
    problem: string,
    ...phrases: string[]
  ): Promise<HubError> {
    const error = await promise.then(
      () => assert.fail(`expected a ${problem} error`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof HubError, String(error));
    assert.equal(error.problem, problem, error.message);
    for (const phrase of phrases)
      assert.ok(error.message.includes(phrase), `"${phrase}" not in: ${error.message}`);
    return error;
  }

  it('fetches only the files a model folder needs, verified, through both kinds of redirect', async () => {
    const progress: DownloadProgress[] = [];
    const result = await download('Xenova/tiny-gpt2', {
      token: 'hf_secret',
      onProgress: (p) => progress.push(p),
    });
    assert.equal(result.folder, path.join(root, 'Xenova--tiny-gpt2'));
    assert.equal(result.graph.path, GRAPH);
    assert.deepEqual(await filesUnder(result.folder), CHOSEN);
    for (const name of CHOSEN)
      assert.ok(
        (await fs.readFile(path.join(result.folder, name))).equals(
          GPT2_FILES[name as keyof typeof GPT2_FILES],
        ),
        name,
      );
    const total = CHOSEN.reduce((n, f) => n + GPT2_FILES[f as keyof typeof GPT2_FILES].length, 0);
    assert.equal(result.totalBytes, total);
    assert.equal(result.fetchedBytes, total);
    assert.deepEqual(progress.at(-1), { file: GRAPH, doneBytes: total, totalBytes: total });
    for (let i = 1; i < progress.length; i++)
      assert.ok(progress[i].doneBytes >= progress[i - 1].doneBytes, 'progress never goes back');
    // Small files came from the Hub origin (relative redirect), the graph from the CDN origin:
    // the token went to the Hub on every request and never to the CDN.
    const graphRequest = hub.byteRequests.find((r) => r.path === GRAPH);
    assert.equal(graphRequest?.authorization, undefined);
    assert.equal(
      hub.byteRequests.find((r) => r.path === 'config.json')?.authorization,
      'Bearer hf_secret',
    );
    assert.ok(hub.hubAuthorizations.every((a) => a === 'Bearer hf_secret'));
    // The file list came in pages (3 entries each): the last file listed was still found.
    assert.ok(hub.hubAuthorizations.length > 10);
  });

  it('fetches a graph with all its external-data files and none of another variant', async () => {
    const result = await download('acme/external');
    assert.deepEqual(await filesUnder(result.folder), [
      'config.json',
      'model.onnx',
      'model.onnx_data',
      'model.onnx_data_1',
      'tokenizer.json',
    ]);
  });

  it('asks before fetching, and fetches the variant chosen then or nothing', async () => {
    const asked: string[][] = [];
    await rejectsWith(
      download('Xenova/tiny-gpt2', { confirm: async () => undefined }),
      'cancelled',
    );
    assert.equal(hub.byteRequests.length, 0);
    const result = await download('Xenova/tiny-gpt2', {
      confirm: async (choice) => {
        asked.push(choice.graphs.map((g) => `${g.graph.path} ${g.totalBytes}`));
        return 'onnx/model_quantized.onnx';
      },
    });
    const side = CHOSEN.filter((f) => f !== GRAPH).reduce(
      (n, f) => n + GPT2_FILES[f as keyof typeof GPT2_FILES].length,
      0,
    );
    assert.deepEqual(asked, [
      [
        `${GRAPH} ${side + 200_000}`,
        `onnx/model_fp16.onnx ${side + 100_000}`,
        `onnx/model_quantized.onnx ${side + 50_000}`,
      ],
    ]);
    assert.equal(result.graph.path, 'onnx/model_quantized.onnx');
    assert.ok((await filesUnder(result.folder)).includes('onnx/model_quantized.onnx'));
    assert.ok(!(await filesUnder(result.folder)).includes(GRAPH));
  });

  it('a repeated download fetches nothing and re-verifies what is there', async () => {
    await download('Xenova/tiny-gpt2');
    const requests = hub.byteRequests.length;
    const again = await download('Xenova/tiny-gpt2');
    assert.equal(again.fetchedBytes, 0);
    assert.equal(hub.byteRequests.length, requests);
  });

  it('resumes a dropped connection with a Range request, without fetching the bytes again', async () => {
    hub.faults.dropAfter.set(GRAPH, 70_000);
    const result = await download('Xenova/tiny-gpt2');
    const graphRequests = hub.byteRequests.filter((r) => r.path === GRAPH);
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
    hub.faults.dropAfter.set(GRAPH, 70_000);
    await rejectsWith(
      download('Xenova/tiny-gpt2', { retries: 0 }),
      'offline',
      `dropped after 70000 of 200000 bytes of ${GRAPH}`,
      'resumes where it stopped',
    );
    const folder = path.join(root, 'Xenova--tiny-gpt2');
    const part = (await fs.stat(path.join(folder, `${GRAPH}.part`))).size;
    assert.equal(part, 70_000);
    await assert.rejects(fs.stat(path.join(folder, GRAPH)), 'no final file before it is complete');
    const result = await download('Xenova/tiny-gpt2');
    assert.equal(hub.byteRequests.at(-1)?.range, 'bytes=70000-');
    assert.equal(result.fetchedBytes, GPT2_FILES[GRAPH].length - 70_000);
    assert.ok((await fs.readFile(path.join(folder, GRAPH))).equals(GPT2_FILES[GRAPH]));
  });

  it('starts a file over when the server ignores the Range request', async () => {
    hub.faults.dropAfter.set(GRAPH, 70_000);
    await download('Xenova/tiny-gpt2', { retries: 0 }).catch(() => undefined);
    hub.faults.ignoreRange = true;
    const result = await download('Xenova/tiny-gpt2');
    assert.equal(hub.byteRequests.at(-1)?.status, 200);
    assert.ok((await fs.readFile(path.join(result.folder, GRAPH))).equals(GPT2_FILES[GRAPH]));
  });

  it('rejects a file whose SHA-256 differs from the LFS metadata, keeping neither file nor .part', async () => {
    const bad = Buffer.from(GPT2_FILES[GRAPH]);
    bad[12_345] ^= 0xff;
    hub.faults.corrupt.set(GRAPH, bad);
    await rejectsWith(
      download('Xenova/tiny-gpt2'),
      'checksumMismatch',
      GRAPH,
      'Xenova/tiny-gpt2',
      'SHA-256',
      'discarded',
    );
    const files = await filesUnder(path.join(root, 'Xenova--tiny-gpt2'));
    assert.ok(!files.includes(GRAPH) && !files.includes(`${GRAPH}.part`), files.join(', '));
  });

  it('checks small files against their git blob id', async () => {
    hub.faults.corrupt.set(
      'config.json',
      json({ model_type: 'gpt3', n_layer: 2, n_head: 2, n_embd: 8 }),
    );
    await rejectsWith(
      download('Xenova/tiny-gpt2'),
      'checksumMismatch',
      'config.json',
      'git blob SHA-1',
    );
    assert.ok(
      !(await filesUnder(path.join(root, 'Xenova--tiny-gpt2'))).some((f) =>
        f.startsWith('config.json'),
      ),
    );
  });

  it('says clearly when the Hub cannot be reached', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    await rejectsWith(
      downloadModel({ repo: 'Xenova/gpt2', root, endpoint, token: '', stallMs: 5_000 }),
      'offline',
      'Cannot reach the Hugging Face Hub',
      endpoint,
      'ECONNREFUSED',
    );
  });

  it('names a gated model and how to get access; the token opens it', async () => {
    await rejectsWith(
      download('acme/gated'),
      'gated',
      'acme/gated is a gated model',
      `${hub.endpoint}/acme/gated`,
      'HF_TOKEN',
    );
    const result = await download('acme/gated', { token: 'hf_secret' });
    assert.deepEqual(await filesUnder(result.folder), CHOSEN);
  });

  it('says when a repository does not exist (the Hub answers 401 RepoNotFound)', async () => {
    await rejectsWith(
      download('acme/nothing-here'),
      'notFound',
      'acme/nothing-here was not found',
      'HF_TOKEN',
    );
  });

  it('says when a repository has no ONNX graph, or the id is malformed, before fetching anything', async () => {
    await rejectsWith(
      download('acme/pytorch-only'),
      'noGraph',
      'acme/pytorch-only',
      'optimum-cli export onnx',
    );
    await rejectsWith(download('a/b/c'), 'badRepoId', 'more than one "/"');
    assert.equal(hub.byteRequests.length, 0);
  });

  it('cancelling leaves only a resumable .part, and the next download continues it', async () => {
    hub.faults.stallAfter.set(GRAPH, 50_000);
    const controller = new AbortController();
    const started = download('Xenova/tiny-gpt2', {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.file === GRAPH && p.doneBytes >= p.totalBytes - GPT2_FILES[GRAPH].length + 50_000)
          controller.abort();
      },
    });
    await rejectsWith(started, 'cancelled');
    const folder = path.join(root, 'Xenova--tiny-gpt2');
    const files = await filesUnder(folder);
    assert.ok(files.includes(`${GRAPH}.part`) && !files.includes(GRAPH), files.join(', '));
    assert.equal((await fs.stat(path.join(folder, `${GRAPH}.part`))).size, 50_000);
    hub.faults.stallAfter.clear();
    const result = await download('Xenova/tiny-gpt2');
    assert.equal(hub.byteRequests.at(-1)?.range, 'bytes=50000-');
    assert.deepEqual(await filesUnder(result.folder), CHOSEN);
  });

  it('ends a stalled transfer after the stall timeout and resumes it', async () => {
    hub.faults.stallAfter.set(GRAPH, 30_000);
    const first = download('Xenova/tiny-gpt2', { stallMs: 300, retries: 0 });
    await rejectsWith(first, 'stalled', 'No data arrived', GRAPH);
    hub.faults.stallAfter.clear();
    const result = await download('Xenova/tiny-gpt2');
    assert.equal(hub.byteRequests.at(-1)?.range, 'bytes=30000-');
    assert.ok((await fs.readFile(path.join(result.folder, GRAPH))).equals(GPT2_FILES[GRAPH]));
  });
});
