/**
 * A real result for the browser tests: the fixture decoder (test/fixtures/models/
 * decoder-attn, 2 layers × 2 heads) run by onnxruntime-node on a real text, tokenized by
 * the native `tokenizers` package (which reports offsets). Shaped exactly like the
 * engine's `InspectResult`, split into the webview messages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from 'tokenizers';
import type { Prediction, Token } from '../../src/engine/types';
import type { ResultMeta } from '../../src/protocol/webview';

export const FIXTURE_DIR = join(__dirname, '../fixtures/models/decoder-attn');

/** The text the browser tests inspect: a small function with brackets to match. */
export const FIXTURE_TEXT =
  'function addAll(items) {\n  return items.reduce((a, b) => a + b, 0);\n}';

/** Metadata plus one `[heads, N, N]` tensor per layer. */
export interface FixtureResult {
  meta: ResultMeta;
  layers: Float32Array[];
}

/** Tokenizes and runs `text` through the fixture model. */
export async function runFixture(text = FIXTURE_TEXT, runId = 1): Promise<FixtureResult> {
  const manifest = JSON.parse(readFileSync(join(FIXTURE_DIR, 'manifest.json'), 'utf8'));
  const tokenizer = await Tokenizer.fromFile(join(FIXTURE_DIR, 'tokenizer.json'));
  const encoding = await tokenizer.encode(text);
  const bos = manifest.specialTokens.prepend[0] as string;
  const bosId = tokenizer.tokenToId(bos)!;
  const offsets = encoding.getOffsets();
  const tokens: Token[] = [
    { id: bosId, text: bos, start: 0, end: 0, special: true },
    ...encoding.getIds().map((id, i) => ({
      id,
      text: encoding.getTokens()[i],
      start: offsets[i][0],
      end: offsets[i][1],
      special: false,
    })),
  ];
  const n = tokens.length;
  const session = await ort.InferenceSession.create(join(FIXTURE_DIR, 'model.onnx'));
  const ids = new ort.Tensor('int64', BigInt64Array.from(tokens.map((t) => BigInt(t.id))), [1, n]);
  const started = performance.now();
  const out = await session.run({ [manifest.inputs.inputIds]: ids });
  const inferenceMs = performance.now() - started;
  const layers = (manifest.outputs.attentions as string[]).map(
    (name) => new Float32Array(out[name].data as Float32Array),
  );
  const logits = out[manifest.outputs.logits].data as Float32Array;
  const vocab = logits.length / n;
  const predictions: Prediction[][] = [];
  for (let i = 0; i < n; i++) {
    predictions.push(
      await topPredictions(logits.subarray(i * vocab, (i + 1) * vocab), tokenizer, 5),
    );
  }
  await session.release();
  const meta: ResultMeta = {
    runId,
    source: { label: 'sample.js:1–3' },
    model: {
      id: manifest.id,
      name: manifest.name,
      architecture: manifest.architecture,
      layers: manifest.layers,
      heads: manifest.heads,
      hiddenSize: manifest.hiddenSize,
      vocabSize: manifest.vocabSize,
      maxPositions: manifest.maxPositions,
      dir: FIXTURE_DIR,
    },
    text,
    tokens,
    predictions,
    timings: { tokenizeMs: 1, inferenceMs, totalMs: inferenceMs + 1 },
  };
  return { meta, layers };
}

async function topPredictions(
  logits: Float32Array,
  tokenizer: Tokenizer,
  k: number,
): Promise<Prediction[]> {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const order = [...logits.keys()].sort((a, b) => logits[b] - logits[a]).slice(0, k);
  return Promise.all(
    order.map(async (id) => ({
      id,
      text: await tokenizer.decode([id], false),
      prob: Math.exp(logits[id] - max) / sum,
    })),
  );
}
