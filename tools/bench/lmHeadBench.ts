/**
 * What the next-token predictions cost a forward pass: a model's LM head (MatMul d × vocab,
 * Softmax, TopK 5) as a graph of its own, run at N tokens by onnxruntime-web and
 * onnxruntime-node on the same thread count, CPU time (user + system) and wall per run.
 * The WASM backend is named: both packages share onnxruntime-common's backend registry, where
 * onnxruntime-node's `cpu` outranks it. Figures, not assertions (docs/performance.md, "onnxruntime-web vs native on the 30-layer
 * model").
 *
 *   npx tsx tools/bench/lmHeadBench.ts [--hidden 576] [--vocab 49152] [--tokens 512] [--threads 1]
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import onnxProto from 'onnx-proto';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

const { values } = parseArgs({
  options: {
    hidden: { type: 'string', default: '576' },
    vocab: { type: 'string', default: '49152' },
    tokens: { type: 'string', default: '512' },
    threads: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
  },
});
const [d, vocab, n, threads] = [values.hidden, values.vocab, values.tokens, values.threads].map(
  Number,
);
const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

function headGraph(): Uint8Array {
  const weights = new Float32Array(d * vocab);
  for (let i = 0; i < weights.length; i++) weights[i] = Math.sin(i) * 0.02;
  const node = (opType: string, input: string[], output: string[], axis?: number) =>
    onnx.NodeProto.create({
      opType,
      input,
      output,
      ...(axis === undefined
        ? {}
        : { attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: axis }] }),
    });
  const value = (name: string, elemType: number) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType } } });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'lm-head',
      node: [
        node('MatMul', ['hidden', 'W'], ['logits']),
        node('Softmax', ['logits'], ['p'], -1),
        node('TopK', ['p', 'k'], ['probs', 'ids'], -1),
      ],
      initializer: [
        { name: 'W', dataType: FLOAT, dims: [d, vocab], rawData: new Uint8Array(weights.buffer) },
        { name: 'k', dataType: onnx.TensorProto.DataType.INT64, dims: [1], int64Data: [5] },
      ],
      input: [value('hidden', FLOAT)],
      output: [value('probs', FLOAT), value('ids', onnx.TensorProto.DataType.INT64)],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function main(): Promise<void> {
  ortWeb.env.wasm.wasmPaths = `${pathToFileURL(join(resolve(__dirname, '..', '..'), 'node_modules', 'onnxruntime-web', 'dist')).href}/`;
  ortWeb.env.wasm.numThreads = threads;
  const bytes = headGraph();
  const hidden = Float32Array.from({ length: n * d }, (_, i) => Math.sin(i));
  const runtimes = [
    [
      'onnxruntime-web',
      () => ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] }),
      ortWeb.Tensor,
    ],
    [
      'onnxruntime-node',
      () => ortNode.InferenceSession.create(bytes, { intraOpNumThreads: threads }),
      ortNode.Tensor,
    ],
  ] as const;
  for (const [name, create, Tensor] of runtimes) {
    const session = await create();
    const feeds = { hidden: new Tensor('float32', hidden, [1, n, d]) };
    const runs: string[] = [];
    for (let r = 0; r < Number(values.runs); r++) {
      const [started, cpu] = [performance.now(), cpuMs()];
      await (session.run as (f: typeof feeds) => Promise<unknown>)(feeds);
      runs.push(
        `${Math.round(cpuMs() - cpu)} ms CPU / ${Math.round(performance.now() - started)} ms`,
      );
    }
    console.log(
      `${name}, ${threads} thread(s), ${n} tokens: ${runs.join(', ')}; load ${loadavg()[0]}`,
    );
    await session.release();
  }
}

void main();
