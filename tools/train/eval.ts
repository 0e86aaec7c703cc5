/**
 * Evaluation of a decoder model folder (models/mini-code-gpt), run on the exported ONNX.
 *
 *   npx tsx tools/train/eval.ts [--model models/mini-code-gpt] [--data .cache/train/tok]
 *       [--card models/mini-code-gpt/MODEL_CARD.md] [--backend ort-node|engine]
 *       [--seed N] [--bench] [--max-windows N] [--max-docs N] [--check .cache/train/export_check.json]
 *
 * Figures (definitions fixed here, never tuned to pass):
 * - held-out cross-entropy per token: the test split (files held out by build_corpus.py),
 *   as one token stream cut into consecutive 511-token chunks, each run as
 *   [<|endoftext|>, chunk] (512 tokens); the mean of -ln p(token | prefix) over every chunk
 *   token. The bigram baseline is an interpolated Kneser-Ney bigram (discount 0.75,
 *   add-one continuation counts) fitted on the training stream, on exactly the same targets
 *   (the first chunk token is predicted from <|endoftext|>).
 * - previous-token score of a head: mean over those windows and positions i = 1..N-1 of
 *   attention(i -> i-1).
 * - induction score of a head (Olsson et al. 2022): fresh uniformly random token sequences
 *   r (ids 1..V-1, i.e. any token but <|endoftext|>) of length T, run as
 *   [<|endoftext|>, r, r]; mean over the second copy of attention from r_k (second copy) to
 *   the token right after r_k's first occurrence. T = 50 (32 sequences) is the headline
 *   figure; T = 255 (16 sequences, 511 tokens) is also reported. The random seed is drawn
 *   fresh each run (printed; --seed repeats a run).
 * - head roles on real code (eval/roles.ts): previous token, sink, induction, duplicate
 *   token, bracket matching, line start, over the held-out code documents.
 * - --bench: one 512-token forward pass in onnxruntime-web (WASM) in Node, 1 and 2 threads.
 *
 * Backend (default `engine`): the project's engine (src/engine/engine.ts, onnxruntime-web
 * WASM); `ort-node` runs model.onnx with onnxruntime-node (role evidence always uses the
 * engine, since it needs the engine's tokens and offsets).
 */
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bench } from './eval/bench';
import { best, type EvalContext, type RunIds } from './eval/context';
import { heldOut, induction } from './eval/metrics';
import { roleEvidence, rolesTable, type Inspect } from './eval/roles';
import { tokenizerCheck } from './eval/tokenizerCheck';

const argv = process.argv.slice(2);
function arg(name: string, def: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
}
const ROOT = path.resolve(__dirname, '..', '..');
const MODEL = path.resolve(arg('model', path.join(ROOT, 'models/mini-code-gpt')));
const DATA = path.resolve(arg('data', path.join(ROOT, '.cache/train/tok')));
const CARD = arg('card', path.join(MODEL, 'MODEL_CARD.md'));
const BACKEND = arg('backend', 'engine');
const manifest = JSON.parse(fs.readFileSync(path.join(MODEL, 'manifest.json'), 'utf8'));

async function ortNodeBackend(): Promise<RunIds> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(path.join(MODEL, 'model.onnx'), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const names: string[] = manifest.outputs.attentions;
  return async (ids) => {
    const data = BigInt64Array.from(ids.map((x) => BigInt(x)));
    const out = await session.run({
      [manifest.inputs.inputIds]: new ort.Tensor('int64', data, [1, ids.length]),
    });
    return {
      attentions: names.map((n) => out[n].data as Float32Array),
      logits: out[manifest.outputs.logits].data as Float32Array,
    };
  };
}

async function engineBackend(): Promise<{ run: RunIds; inspect: Inspect }> {
  const { Engine } = await import('../../src/engine/engine');
  const { nodeModelFiles } = await import('../../src/engine/folder/nodeModelFiles');
  const { configureOrt } = await import('../../src/engine/inference/ortRuntime');
  configureOrt(`${pathToFileURL(path.join(ROOT, 'node_modules/onnxruntime-web/dist')).href}/`, 1);
  const engine = new Engine(nodeModelFiles);
  const model = await engine.loadModel(MODEL);
  return {
    run: async (ids) => {
      const out = await model.runIds(ids);
      if (!out.logits) throw new Error('the engine returned no logits');
      return { attentions: out.attentions, logits: out.logits };
    },
    inspect: (text) => engine.inspect(MODEL, text, { maxTokens: manifest.maxPositions, topK: 1 }),
  };
}

function table(c: EvalContext, scores: number[]): string {
  const head = `| layer | ${Array.from({ length: c.heads }, (_, h) => `head ${h}`).join(' | ')} |`;
  const sep = `| --- | ${Array.from({ length: c.heads }, () => '---').join(' | ')} |`;
  const rows = Array.from(
    { length: c.layers },
    (_, l) =>
      `| ${l} | ${scores
        .slice(l * c.heads, (l + 1) * c.heads)
        .map((x) => x.toFixed(3))
        .join(' | ')} |`,
  );
  return [head, sep, ...rows].join('\n');
}

async function exportCheck(run: RunIds): Promise<string> {
  const check = path.resolve(arg('check', path.join(ROOT, '.cache/train/export_check.json')));
  if (!fs.existsSync(check)) return 'not run';
  const c = JSON.parse(fs.readFileSync(check, 'utf8'));
  const out = await run(c.ids);
  const V = manifest.vocabSize;
  const n = c.ids.length;
  const lg = Array.from(out.logits.subarray((n - 1) * V, (n - 1) * V + 16));
  const diff = Math.max(...lg.map((x, i) => Math.abs(x - c.logits_last[i])));
  return `max |logit difference| vs PyTorch on a 64-token input: ${diff.toExponential(2)}`;
}

async function main() {
  const seed = Number(arg('seed', String(randomInt(1, 2 ** 31 - 1))));
  console.log(`backend ${BACKEND}, model ${MODEL}, seed ${seed}`);
  const engine = await engineBackend();
  const run = BACKEND === 'engine' ? engine.run : await ortNodeBackend();
  const c: EvalContext = {
    root: ROOT,
    model: MODEL,
    data: DATA,
    vocab: manifest.vocabSize,
    layers: manifest.layers,
    heads: manifest.heads,
    ctx: manifest.maxPositions,
    run,
  };
  const checked = await exportCheck(run);
  console.log(checked);
  const tokCheck = await tokenizerCheck(ROOT, MODEL);
  console.log(tokCheck);
  const t0 = Date.now();
  const ho = await heldOut(c, Number(arg('max-windows', '1000000')));
  const ind50 = await induction(c, 50, 32, seed);
  const ind255 = await induction(c, Math.floor((c.ctx - 1) / 2), 16, seed + 1);
  const roles = await roleEvidence(c, engine.inspect, Number(arg('max-docs', '1000')));
  const benchRes = argv.includes('--bench') ? bench(MODEL, DATA) : [];
  const modelBytes = fs.statSync(path.join(MODEL, 'model.onnx')).size;
  const result = {
    date: new Date().toISOString(),
    backend: BACKEND,
    seed,
    exportCheck: checked,
    tokCheck,
    heldOut: {
      windows: ho.windows,
      tokens: ho.tokens,
      loss: ho.loss,
      bigram: ho.bigram,
      gap: ho.bigram - ho.loss,
    },
    prevToken: { scores: ho.prev, best: best(c.heads, ho.prev) },
    sink: ho.sink,
    induction50: { ...ind50, best: best(c.heads, ind50.scores) },
    induction255: { ...ind255, best: best(c.heads, ind255.scores) },
    roles,
    bench: benchRes,
    modelBytes,
    seconds: (Date.now() - t0) / 1000,
  };
  fs.mkdirSync(path.join(ROOT, '.cache/train'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, '.cache/train/eval.json'), JSON.stringify(result, null, 1));
  const V = c.vocab;
  const md = [
    `Measured by \`tools/train/eval.ts\` on \`${path.relative(ROOT, MODEL)}/model.onnx\` (${(modelBytes / 1e6).toFixed(1)} MB), backend \`${BACKEND}\`${BACKEND === 'ort-node' ? ' (onnxruntime-node, CPU)' : ' (the engine, onnxruntime-web WASM)'}, ${result.date}; random seed ${seed}. Export check: ${checked}. Tokenizer check: ${tokCheck}.`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| held-out cross-entropy (nats/token; ${ho.tokens} tokens of the test split, ${ho.windows} windows of 512) | **${ho.loss.toFixed(3)}** |`,
    `| Kneser-Ney bigram baseline, same tokenizer, same targets | ${ho.bigram.toFixed(3)} |`,
    `| gap (bigram − model) | **${(ho.bigram - ho.loss).toFixed(3)}** |`,
    `| best previous-token head (held-out text) | **${result.prevToken.best.head}: ${result.prevToken.best.score.toFixed(3)}** |`,
    `| best induction head, T = 50, 32 fresh random sequences | **${result.induction50.best.head}: ${result.induction50.best.score.toFixed(3)}** |`,
    `| best induction head, T = 255, 16 fresh random sequences | ${result.induction255.best.head}: ${result.induction255.best.score.toFixed(3)} |`,
    `| loss on the second copy of the random sequences (T = 50 / 255; chance = ln ${V - 1} = ${Math.log(V - 1).toFixed(2)}) | ${ind50.secondCopyLoss.toFixed(3)} / ${ind255.secondCopyLoss.toFixed(3)} |`,
    ...benchRes.map(
      (b) =>
        `| one ${b.tokens}-token forward pass, onnxruntime-web WASM in Node, ${b.threads} thread${b.threads > 1 ? 's' : ''} (median of ${b.runs}; min) | ${b.medianMs.toFixed(0)} ms; ${b.minMs.toFixed(0)} ms |`,
    ),
    '',
    '#### Head roles on held-out code',
    '',
    rolesTable(c.heads, roles),
    '',
    'Previous-token score per head (layer.head; mean attention from token i to token i−1 on held-out text):',
    '',
    table(c, ho.prev),
    '',
    'Induction score per head (T = 50):',
    '',
    table(c, ind50.scores),
    '',
    'Mean attention to `<|endoftext|>` at position 0 per head (held-out text):',
    '',
    table(c, ho.sink),
    ...roles
      .filter((r) => !['previous token', 'sink'].includes(r.name))
      .flatMap((r) => [
        '',
        `${r.name[0].toUpperCase()}${r.name.slice(1)} score per head (held-out code; uniform ${r.uniform.toFixed(3)}):`,
        '',
        table(c, r.scores),
      ]),
  ].join('\n');
  if (fs.existsSync(CARD)) {
    const card = fs.readFileSync(CARD, 'utf8');
    const a = card.indexOf('<!-- eval:begin -->');
    const b = card.indexOf('<!-- eval:end -->');
    if (a >= 0 && b > a) {
      fs.writeFileSync(
        CARD,
        `${card.slice(0, a + '<!-- eval:begin -->'.length)}\n${md}\n${card.slice(b)}`,
      );
      console.log(`figures written into ${CARD}`);
    }
  }
  fs.writeFileSync(path.join(ROOT, '.cache/train/eval.md'), md);
  console.log(md);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
