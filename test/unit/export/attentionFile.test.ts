/**
 * The extension's attention export streamed into a file (issue 22): what the real engine
 * holds, asked for a layer at a time, lands on disk byte for byte as the whole-result writer
 * wrote it; a cancel or a failure leaves the file that was there and no temporary file.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttentionSlicer } from '../../../src/engine/export/attentionJson';
import { ExportCancelled, writeAttentionJsonFile } from '../../../src/export/attentionFile';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { serializeAttentionJson } from './referenceAttentionJson';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const OPUS = join(ROOT, 'test', 'fixtures', 'hf', 'opus-mt-tiny');
const CODE = 'for (let i = 0; i < n; i++) {\n  total += values[i];\n}\n';

describe('attention JSON streamed to a file (the extension export)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'attention-export-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function held(modelDir: string, text: string) {
    const engine = sharedEngine();
    const whole = await engine.inspect(modelDir, text);
    const result = await engine.inspectHeld(modelDir, text);
    const slice: AttentionSlicer = (kind, layer, heads) =>
      engine.slice(result.resultId, { kind, layer, heads });
    // The extension's export reads the predictions the engine keeps per row (issue 22).
    const predictions = (rows: number[], k: number) => engine.predictions(result.resultId, rows, k);
    return { whole, result, slice, predictions };
  }

  it('writes the same bytes as the whole-result writer, replacing the old file', async () => {
    const { whole, result, slice, predictions } = await held(BUNDLED, CODE);
    const path = join(dir, 'selection.attention.json');
    await writeFile(path, 'old');
    const bytes = await writeAttentionJsonFile(path, result, slice, { predictions });
    const written = await readFile(path, 'utf8');
    assert.equal(written, serializeAttentionJson(whole, {}));
    assert.equal(bytes, Buffer.byteLength(written));
    assert.deepEqual(await readdir(dir), ['selection.attention.json']);
  });

  it('an encoder-decoder with chosen layers and heads', async () => {
    const { whole, result, slice } = await held(OPUS, 'The cat sat on the mat.');
    const path = join(dir, 'translation.json');
    const options = { layers: [1, 0], heads: [2] };
    await writeAttentionJsonFile(path, result, slice, options);
    assert.equal(await readFile(path, 'utf8'), serializeAttentionJson(whole, options));
  });

  it('a cancel mid-way leaves the old file and no temporary file', async () => {
    const { result, slice } = await held(BUNDLED, CODE);
    const path = join(dir, 'kept.json');
    await writeFile(path, 'old');
    let asked = 0;
    const counting: AttentionSlicer = (kind, layer, heads) => {
      asked++;
      return slice(kind, layer, heads);
    };
    await assert.rejects(
      writeAttentionJsonFile(path, result, counting, {}, () => asked >= 2),
      ExportCancelled,
    );
    assert.equal(asked, 2, 'no slice asked for after the cancel');
    assert.equal(await readFile(path, 'utf8'), 'old');
    assert.deepEqual(await readdir(dir), ['kept.json']);
  });

  it('a failing slice or a missing folder rejects with its own error', async () => {
    const { result, slice } = await held(BUNDLED, CODE);
    const path = join(dir, 'broken.json');
    const failing: AttentionSlicer = async (kind, layer, heads) => {
      if (layer === 2) throw new Error('This result is no longer held by the engine');
      return slice(kind, layer, heads);
    };
    await assert.rejects(writeAttentionJsonFile(path, result, failing, {}), /no longer held/);
    assert.deepEqual(await readdir(dir), []);
    await assert.rejects(
      writeAttentionJsonFile(join(dir, 'missing', 'x.json'), result, slice, {}),
      (error: NodeJS.ErrnoException) =>
        error.code === 'ENOENT' &&
        /^Cannot write .*missing.x\.json \(ENOENT, open\)/.test(error.message),
    );
  });
});
