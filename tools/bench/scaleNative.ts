/**
 * The reference of the scale benchmark: onnxruntime-node (native CPU) creating a session for
 * the same graph file and running the same token ids once, in a plain Node process of its own
 * (`node -e`, no TypeScript loader) so that its peak RSS is its own. It prints one JSON line:
 * `{ loadMs, runMs }`.
 */
import { join } from 'node:path';

export interface NativeFigures {
  loadMs: number;
  runMs: number;
}

/**
 * The child's script; argv: model.onnx, config.json, ids.json, threads. Feeds a decoder the
 * way Transformers.js exports name its inputs (mask of ones, positions 0…N−1, empty past).
 */
export function nativeScript(root: string): string {
  return `
const ort = require(${JSON.stringify(join(root, 'node_modules', 'onnxruntime-node'))});
const fs = require('node:fs');
(async () => {
  const [onnxPath, configPath, idsPath, threads] = process.argv.slice(1);
  const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
  const ids = JSON.parse(fs.readFileSync(idsPath, 'utf8'));
  const n = ids.length;
  const kvHeads = config.num_key_value_heads ?? config.num_attention_heads;
  const headSize = config.head_dim ?? config.hidden_size / config.num_attention_heads;
  let started = performance.now();
  const session = await ort.InferenceSession.create(onnxPath, { intraOpNumThreads: Number(threads) });
  const loadMs = performance.now() - started;
  const int64 = (values) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, n]);
  const feeds = {};
  for (const name of session.inputNames) {
    if (name === 'input_ids') feeds[name] = int64(ids);
    else if (name === 'attention_mask') feeds[name] = int64(ids.map(() => 1));
    else if (name === 'position_ids') feeds[name] = int64(ids.map((_, i) => i));
    else if (/^past_key_values\\./.test(name)) {
      feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headSize]);
    } else throw new Error('do not know how to feed input ' + name);
  }
  started = performance.now();
  await session.run(feeds);
  const runMs = performance.now() - started;
  process.stdout.write(JSON.stringify({ loadMs, runMs }) + '\\n');
})().catch((error) => {
  process.stderr.write('error: ' + (error && error.message ? error.message : String(error)) + '\\n');
  process.exit(1);
});`;
}
