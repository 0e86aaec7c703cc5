import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import {
  loadModelFolder,
  type LoadedModelFolder,
} from '../../../src/engine/folder/loadModelFolder';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { toLayerAttention } from '../../../src/engine/attention/toLayerAttention';
import { FIXTURES, maxAbsDiff, runFolder, type Outputs } from './fixtureRuntime';

const TEXT = 'Hello world, the café 東京 naïve tokens!';

const load = (name: string, expose?: Parameters<typeof loadModelFolder>[1]) =>
  loadModelFolder(nodeModelFiles(join(FIXTURES, name)), expose);

/** Ids the way the engine makes them: the fixture's own tokenizer plus the special-token policy. */
function encode(folder: LoadedModelFolder, text: string): number[] {
  const tokenizer = new Tokenizer(folder.tokenizerJson, folder.tokenizerConfig ?? {});
  const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
  const special = (t: string) => tokenizer.token_to_id(t) as number;
  const { prepend, append } = folder.manifest.specialTokens;
  return [...prepend.map(special), ...ids, ...append.map(special)];
}

function layers(folder: LoadedModelFolder, outputs: Outputs, n: number): Float32Array[] {
  return folder.attentionOutputs.map((name) => {
    const output = outputs[name];
    assert.ok(output, `no output ${name}`);
    return toLayerAttention(output, folder.manifest.heads, n, name);
  });
}

/** Calls `check(head, query, key, weight)` for every weight of every layer. */
function eachWeight(
  all: Float32Array[],
  n: number,
  check: (q: number, k: number, w: number) => void,
) {
  for (const layer of all)
    for (let i = 0; i < layer.length; i++) check(Math.floor(i / n) % n, i % n, layer[i]);
}

function rowSums(all: Float32Array[], n: number): number[] {
  const sums: number[] = [];
  for (const layer of all) {
    for (let row = 0; row < layer.length / n; row++) {
      sums.push(layer.subarray(row * n, (row + 1) * n).reduce((a, b) => a + b, 0));
    }
  }
  return sums;
}

describe('loadModelFolder on the fixtures, run in onnxruntime-web', () => {
  it('decoder-attn: uses the file unedited, with its named attention and logits outputs', async () => {
    const folder = await load('decoder-attn');
    const file = await readFile(join(FIXTURES, 'decoder-attn', 'model.onnx'));
    assert.equal(folder.edited, false);
    assert.deepEqual(Buffer.from(folder.onnxBytes), file);
    assert.deepEqual(folder.attentionOutputs, ['attn_0', 'attn_1']);
    assert.equal(folder.logitsOutput, 'logits');
    assert.equal(folder.manifest.architecture, 'decoder');
    assert.equal(folder.tokenizerConfig?.eos_token, '<|endoftext|>');
  });

  it('decoder-noattn: the edited graph gives the same attention and logits as the exported outputs', async () => {
    const withOutputs = await load('decoder-attn');
    const edited = await load('decoder-noattn');
    assert.equal(edited.edited, true);
    assert.deepEqual(edited.attentionOutputs, [
      '/attn/Softmax_output_0',
      '/attn_1/Softmax_output_0',
    ]);
    const ids = encode(edited, TEXT);
    assert.deepEqual(ids, encode(withOutputs, TEXT));
    assert.equal(ids[0], 456, '<|endoftext|> prepended');
    const n = ids.length;
    const [a, b] = await Promise.all([runFolder(withOutputs, ids), runFolder(edited, ids)]);
    const expected = layers(withOutputs, a, n);
    const actual = layers(edited, b, n);
    assert.equal(actual.length, 2);
    actual.forEach((layer, i) => {
      assert.ok(maxAbsDiff(layer, expected[i]) <= 1e-5, `layer ${i}`);
    });
    assert.ok(maxAbsDiff(a.logits.data, b.logits.data) <= 1e-5);
  });

  it('decoder attention: rows sum to 1, zero above the diagonal, and far from uniform', async () => {
    const folder = await load('decoder-noattn');
    const ids = encode(folder, TEXT);
    const n = ids.length;
    const attention = layers(folder, await runFolder(folder, ids), n);
    for (const sum of rowSums(attention, n))
      assert.ok(Math.abs(sum - 1) < 1e-5, `row sums to ${sum}`);
    let peak = 0;
    eachWeight(attention, n, (q, k, w) => {
      if (k > q) assert.equal(w, 0, `weight ${w} above the diagonal at (${q}, ${k})`);
      if (q === n - 1) peak = Math.max(peak, w);
    });
    assert.ok(peak > 5 / n, `the last row's largest weight is only ${peak}`);
  });

  it('encoder-bert: [CLS] … [SEP], rows sum to 1, attends in both directions', async () => {
    const folder = await load('encoder-bert');
    assert.equal(folder.edited, true);
    assert.equal(folder.logitsOutput, undefined);
    const ids = encode(folder, TEXT);
    assert.deepEqual([ids[0], ids.at(-1)], [2, 3]);
    const n = ids.length;
    const attention = layers(folder, await runFolder(folder, ids), n);
    assert.equal(attention.length, 2);
    for (const sum of rowSums(attention, n))
      assert.ok(Math.abs(sum - 1) < 1e-5, `row sums to ${sum}`);
    let above = 0;
    eachWeight(attention, n, (q, k, w) => (above += k > q ? w : 0));
    assert.ok(above > 0.2 * 2 * 2 * n, `only ${above} weight above the diagonal`);
  });

  it('encoder-bert: keys with attention_mask 0 get no weight', async () => {
    const folder = await load('encoder-bert');
    const ids = encode(folder, TEXT);
    const n = ids.length;
    const mask = ids.map((_, i) => (i < n - 3 ? 1 : 0));
    const attention = layers(folder, await runFolder(folder, ids, mask), n);
    eachWeight(attention, n, (_q, k, w) => {
      if (k >= n - 3) assert.ok(w < 1e-3, `masked key ${k} has weight ${w}`);
    });
    for (const sum of rowSums(attention, n)) assert.ok(Math.abs(sum - 1) < 1e-5);
  });

  it('exposes the steps before the softmax: Q·Kᵀ, scaled and masked scores', async () => {
    const folder = await load('decoder-noattn', {
      expose: ['rawScores', 'scaledScores', 'maskedScores'],
    });
    const steps = folder.stepOutputs;
    assert.deepEqual(steps.rawScores, ['/attn/MatMul_output_0', '/attn_1/MatMul_output_0']);
    assert.deepEqual(steps.maskedScores, ['/attn/Where_output_0', '/attn_1/Where_output_0']);
    const ids = encode(folder, 'def f(x): return x');
    const n = ids.length;
    const out = await runFolder(folder, ids);
    const headDim = folder.manifest.hiddenSize / folder.manifest.heads;
    folder.attentionOutputs.forEach((name, layer) => {
      const probs = toLayerAttention(out[name], 2, n);
      const raw = toLayerAttention(out[steps.rawScores![layer]], 2, n);
      const scaled = toLayerAttention(out[steps.scaledScores![layer]], 2, n);
      const masked = toLayerAttention(out[steps.maskedScores![layer]], 2, n);
      assert.ok(
        maxAbsDiff(
          scaled,
          raw.map((x) => x / Math.sqrt(headDim)),
        ) < 1e-5,
      );
      const recomputed = new Float32Array(probs.length);
      for (let row = 0; row < probs.length / n; row++) {
        const scores = Array.from(masked.subarray(row * n, (row + 1) * n));
        const top = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - top));
        const total = exps.reduce((a, b) => a + b, 0);
        exps.forEach((e, k) => {
          recomputed[row * n + k] = e / total;
        });
        scores.forEach((s, k) => {
          k > row % n && assert.equal(s, -Infinity);
        });
      }
      assert.ok(
        maxAbsDiff(recomputed, probs) < 1e-5,
        `softmax(masked) ≠ probabilities in layer ${layer}`,
      );
    });
  });
});
