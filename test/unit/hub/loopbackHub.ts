import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadModel } from '../../../src/hub/downloadModel';
import { HubError } from '../../../src/hub/hubError';
import { FakeHub, pseudoRandomBytes } from './fakeHub';

/** A value as the bytes of its JSON file. */
export const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** A Transformers.js-style repository: side files, three graph variants, things not to fetch. */
export const GPT2_FILES = {
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
/** What a download of GPT2_FILES keeps: the side files and the fp32 graph. */
export const CHOSEN = [
  'config.json',
  'generation_config.json',
  'onnx/model.onnx',
  'special_tokens_map.json',
  'tokenizer.json',
  'tokenizer_config.json',
];
export const GRAPH = 'onnx/model.onnx';

/**
 * A fresh loopback Hub (with the repositories the download tests use) and an empty download
 * folder for every test of the calling `describe`.
 */
export function useLoopbackHub() {
  const loop = {
    hub: undefined as unknown as FakeHub,
    root: '',
    download: (repo: string, extra: Partial<Parameters<typeof downloadModel>[0]> = {}) =>
      downloadModel({
        repo,
        root: loop.root,
        endpoint: loop.hub.endpoint,
        token: '',
        stallMs: 5_000,
        ...extra,
      }),
    filesUnder,
    rejectsWith,
  };
  beforeEach(async () => {
    loop.hub = new FakeHub({
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
    await loop.hub.start();
    loop.root = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-test-'));
  });
  afterEach(async () => {
    await loop.hub.close();
    await fs.rm(loop.root, { recursive: true, force: true });
  });
  return loop;
}

/** Every file under `dir`, as sorted `/`-separated relative paths. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Awaits a rejection with a HubError of `problem` whose message has every phrase. */
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
