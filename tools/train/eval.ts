/**
 * Evaluation of a decoder model folder (models/mini-code-gpt), run on the exported ONNX.
 *
 *   npx tsx tools/train/eval.ts [--model models/mini-code-gpt] [--data .cache/train/tok]
 *       [--card models/mini-code-gpt/MODEL_CARD.md] [--backend ort-node|engine]
 *       [--seed N] [--bench] [--max-windows N] [--check .cache/train/export_check.json]
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
 * - a qualitative section on three example selections.
 * - --bench: one 512-token forward pass in onnxruntime-web (WASM) in Node, 1 and 2 threads.
 *
 * Backend (default `engine`): `runIds(ids) -> { attentions: per layer [heads, N, N], logits: [N, vocab] }`.
 * `ort-node` runs model.onnx with onnxruntime-node; `engine` runs it through the
 * project's engine (src/engine/engine.ts, LoadedModel.runIds, onnxruntime-web WASM).
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface RunOutputs {
  attentions: Float32Array[];
  logits: Float32Array;
}
type RunIds = (ids: number[]) => Promise<RunOutputs>;

const argv = process.argv.slice(2);
function arg(name: string, def?: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
}
const ROOT = path.resolve(__dirname, '..', '..');
const MODEL = path.resolve(arg('model', path.join(ROOT, 'models/mini-code-gpt'))!);
const DATA = path.resolve(arg('data', path.join(ROOT, '.cache/train/tok'))!);
const CARD = arg('card', path.join(MODEL, 'MODEL_CARD.md'))!;
const BACKEND = arg('backend', 'engine')!;
const manifest = JSON.parse(fs.readFileSync(path.join(MODEL, 'manifest.json'), 'utf8'));
const V: number = manifest.vocabSize;
const LAYERS: number = manifest.layers;
const HEADS: number = manifest.heads;
const CTX: number = manifest.maxPositions;

// ------------------------------------------------------------------------- backends --
async function ortNodeBackend(): Promise<RunIds> {
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(path.join(MODEL, 'model.onnx'), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const attnNames: string[] = manifest.outputs.attentions;
  return async (ids) => {
    const data = BigInt64Array.from(ids.map((x) => BigInt(x)));
    const out = await session.run({ [manifest.inputs.inputIds]: new ort.Tensor('int64', data, [1, ids.length]) });
    return { attentions: attnNames.map((n) => out[n].data as Float32Array), logits: out[manifest.outputs.logits].data as Float32Array };
  };
}

async function engineBackend(): Promise<RunIds> {
  const { Engine } = require(path.join(ROOT, 'src/engine/engine'));
  const { nodeModelFiles } = require(path.join(ROOT, 'src/engine/model/nodeModelFiles'));
  const rt = require(path.join(ROOT, 'src/engine/inference/ortRuntime'));
  rt.configureOrt(pathToFileURL(path.join(ROOT, 'node_modules/onnxruntime-web/dist')).href + '/', 1);
  const engine = new Engine(nodeModelFiles);
  const model = await engine.loadModel(MODEL);
  return async (ids) => {
    const out = await model.runIds(ids);
    if (!out.logits) throw new Error('the engine returned no logits');
    return { attentions: out.attentions, logits: out.logits };
  };
}

// ------------------------------------------------------------------------- data ------
function readU16(file: string): Uint16Array {
  const b = fs.readFileSync(file);
  return new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2);
}

/** Interpolated Kneser-Ney bigram (D = 0.75), same as tools/train/train.py. */
function knBigram(train: Uint16Array) {
  const counts = new Map<number, number>();
  const cV = new Float64Array(V);
  for (let i = 0; i + 1 < train.length; i++) {
    const k = train[i] * V + train[i + 1];
    counts.set(k, (counts.get(k) ?? 0) + 1);
    cV[train[i]]++;
  }
  const n1V = new Float64Array(V);
  const n1W = new Float64Array(V);
  for (const k of counts.keys()) {
    n1V[Math.floor(k / V)]++;
    n1W[k % V]++;
  }
  let n1All = 0;
  for (let w = 0; w < V; w++) n1All += n1W[w];
  const D = 0.75;
  return (prev: number, next: number): number => {
    const pc = (n1W[next] + 1) / (n1All + V);
    const cv = cV[prev];
    if (cv === 0) return Math.log(pc);
    const c = counts.get(prev * V + next) ?? 0;
    return Math.log(Math.max(c - D, 0) / cv + (D * n1V[prev]) / cv * pc);
  };
}

function logSoftmaxAt(logits: Float32Array, row: number, target: number): number {
  const o = row * V;
  let m = -Infinity;
  for (let j = 0; j < V; j++) if (logits[o + j] > m) m = logits[o + j];
  let s = 0;
  for (let j = 0; j < V; j++) s += Math.exp(logits[o + j] - m);
  return logits[o + target] - m - Math.log(s);
}

/** attention(layer)[h, i, j] for a run of n tokens. */
const at = (a: Float32Array, n: number, h: number, i: number, j: number) => a[(h * n + i) * n + j];

function mulberry32(seed: number) {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

// ------------------------------------------------------------------------- metrics ---
async function heldOut(run: RunIds, maxWindows: number) {
  const test = readU16(path.join(DATA, 'test.bin'));
  const train = readU16(path.join(DATA, 'train.bin'));
  const t0 = Date.now();
  const bigram = knBigram(train);
  console.log(`bigram fitted on ${train.length} training tokens in ${(Date.now() - t0) / 1000}s`);
  const chunk = CTX - 1;
  const nWin = Math.min(maxWindows, Math.floor(test.length / chunk));
  let nll = 0;
  let bnll = 0;
  let count = 0;
  const prev = new Float64Array(LAYERS * HEADS);
  const sink = new Float64Array(LAYERS * HEADS);
  let prevCount = 0;
  for (let w = 0; w < nWin; w++) {
    const ids = [0, ...test.subarray(w * chunk, (w + 1) * chunk)];
    const n = ids.length;
    const out = await run(ids);
    for (let i = 0; i + 1 < n; i++) {
      nll -= logSoftmaxAt(out.logits, i, ids[i + 1]);
      bnll -= bigram(ids[i], ids[i + 1]);
      count++;
    }
    for (let l = 0; l < LAYERS; l++)
      for (let h = 0; h < HEADS; h++) {
        let s = 0;
        let z = 0;
        for (let i = 1; i < n; i++) {
          s += at(out.attentions[l], n, h, i, i - 1);
          z += at(out.attentions[l], n, h, i, 0);
        }
        prev[l * HEADS + h] += s;
        sink[l * HEADS + h] += z;
      }
    prevCount += n - 1;
    if (w % 100 === 0) console.log(`window ${w}/${nWin}: loss ${(nll / count).toFixed(4)} bigram ${(bnll / count).toFixed(4)}`);
  }
  return {
    windows: nWin,
    tokens: count,
    loss: nll / count,
    bigram: bnll / count,
    prev: Array.from(prev, (x) => x / prevCount),
    sink: Array.from(sink, (x) => x / prevCount),
  };
}

async function induction(run: RunIds, T: number, nSeq: number, seed: number) {
  const rnd = mulberry32(seed);
  const score = new Float64Array(LAYERS * HEADS);
  let nll = 0;
  for (let s = 0; s < nSeq; s++) {
    const r = Array.from({ length: T }, () => 1 + Math.floor(rnd() * (V - 1)));
    const ids = [0, ...r, ...r];
    const n = ids.length;
    const out = await run(ids);
    for (let l = 0; l < LAYERS; l++)
      for (let h = 0; h < HEADS; h++) {
        let acc = 0;
        for (let j = T + 1; j <= 2 * T; j++) acc += at(out.attentions[l], n, h, j, j - T + 1);
        score[l * HEADS + h] += acc / T;
      }
    for (let j = T + 1; j < 2 * T; j++) nll -= logSoftmaxAt(out.logits, j, ids[j + 1]);
  }
  return { T, sequences: nSeq, seed, scores: Array.from(score, (x) => x / nSeq), secondCopyLoss: nll / (nSeq * (T - 1)) };
}

// ------------------------------------------------------------------------- qualitative
const EXAMPLES = {
  brackets: `function area(shape) {\n  if (shape.kind === "circle") {\n    return Math.PI * (shape.r ** 2);\n  }\n  return (shape.w * shape.h) / [1, 2][0];\n}`,
  prose:
    'The tokenizer splits the selected text into pieces, and the model reads them from left to right. Each head decides which earlier pieces matter for the next one.',
  repeated: `def parse_header(line):\n    header_name, header_value = line.split(":", 1)\n    return header_name.strip(), header_value.strip()\n`,
};

function heads2(xs: number[]): string {
  return xs.map((x, i) => ({ x, i })).sort((a, b) => b.x - a.x).slice(0, 3).map(({ x, i }) => `${Math.floor(i / HEADS)}.${i % HEADS} (${x.toFixed(2)})`).join(', ');
}

async function qualitative(run: RunIds) {
  const tk = require('tokenizers');
  const tok = tk.Tokenizer.fromFile(path.join(MODEL, 'tokenizer.json'));
  const lines: string[] = [];
  for (const [name, text] of Object.entries(EXAMPLES)) {
    const enc = await tok.encode(text, null, { addSpecialTokens: false });
    const ids: number[] = [0, ...enc.getIds()];
    const toks: string[] = ['<|endoftext|>', ...enc.getTokens()];
    const offs: number[][] = [[-1, -1], ...enc.getOffsets()];
    const n = ids.length;
    const out = await run(ids);
    const A = out.attentions;
    const show = (t: string) => JSON.stringify(t.replace(/Ġ/g, ' ').replace(/Ċ/g, '\\n').replace(/ĉ/g, '\\t'));
    lines.push(`#### ${name} (${n} tokens with <|endoftext|>)`, '', '```', text, '```', '');
    // per head: attention to <|endoftext|>, to the previous token, to itself
    const sink: number[] = [];
    const prv: number[] = [];
    for (let l = 0; l < LAYERS; l++)
      for (let h = 0; h < HEADS; h++) {
        let z = 0;
        let p = 0;
        for (let i = 1; i < n; i++) {
          z += at(A[l], n, h, i, 0);
          p += at(A[l], n, h, i, i - 1);
        }
        sink.push(z / (n - 1));
        prv.push(p / (n - 1));
      }
    lines.push(`- heads most attending to the previous token: ${heads2(prv)}`);
    lines.push(`- heads most attending to <|endoftext|> at position 0 (the attention sink): ${heads2(sink)}`);
    if (name === 'brackets') {
      // closing bracket -> matching opening bracket, matched on characters
      const stack: number[] = [];
      const pairs: [number, number][] = [];
      const charPos = new Map<number, number>();
      offs.forEach(([s, e], i) => { for (let c = s; c < e; c++) if (!charPos.has(c)) charPos.set(c, i); });
      for (let c = 0; c < text.length; c++) {
        if ('([{'.includes(text[c])) stack.push(c);
        else if (')]}'.includes(text[c])) pairs.push([stack.pop()!, c]);
      }
      const tp = pairs.map(([o, c]) => [charPos.get(o)!, charPos.get(c)!]).filter(([o, c]) => o !== c);
      const sc: number[] = [];
      for (let l = 0; l < LAYERS; l++)
        for (let h = 0; h < HEADS; h++) sc.push(tp.reduce((s, [o, c]) => s + at(A[l], n, h, c, o), 0) / tp.length);
      const best = sc.indexOf(Math.max(...sc));
      lines.push(`- closing bracket → its opening bracket (${tp.length} pairs; uniform attention would give ${(tp.reduce((s, [, c]) => s + 1 / (c + 1), 0) / tp.length).toFixed(2)}): ${heads2(sc)}`);
      const [bl, bh] = [Math.floor(best / HEADS), best % HEADS];
      for (const [o, c] of tp) {
        let arg = 0;
        for (let j = 0; j <= c; j++) if (at(A[bl], n, bh, c, j) > at(A[bl], n, bh, c, arg)) arg = j;
        lines.push(`  - head ${bl}.${bh}: ${show(toks[c])} at ${c} (opened by ${show(toks[o])} at ${o}): ${at(A[bl], n, bh, c, o).toFixed(2)} to the opener; its top target is ${show(toks[arg])} at ${arg} (${at(A[bl], n, bh, c, arg).toFixed(2)})`);
      }
    }
    if (name === 'repeated') {
      // for tokens that repeat an earlier token: attention to the token after the earlier
      // occurrence (induction) and to the earlier occurrence itself (duplicate token)
      const ind: number[] = new Array(LAYERS * HEADS).fill(0);
      const dup: number[] = new Array(LAYERS * HEADS).fill(0);
      let cnt = 0;
      for (let i = 2; i < n; i++) {
        const j = ids.lastIndexOf(ids[i], i - 1);
        if (j < 1 || j + 1 >= i) continue;
        cnt++;
        for (let k = 0; k < LAYERS * HEADS; k++) {
          ind[k] += at(A[Math.floor(k / HEADS)], n, k % HEADS, i, j + 1);
          dup[k] += at(A[Math.floor(k / HEADS)], n, k % HEADS, i, j);
        }
      }
      lines.push(`- ${cnt} tokens repeat an earlier token; attention to the token after the earlier occurrence (induction): ${heads2(ind.map((x) => x / cnt))}`);
      lines.push(`- attention to the earlier occurrence itself (duplicate-token): ${heads2(dup.map((x) => x / cnt))}`);
      // prediction check: how often the model's top prediction copies the continuation
      let copied = 0;
      let cands = 0;
      for (let i = 2; i + 1 < n; i++) {
        const j = ids.lastIndexOf(ids[i], i - 1);
        if (j < 1 || j + 1 >= i) continue;
        cands++;
        let arg = 0;
        for (let v = 0; v < V; v++) if (out.logits[i * V + v] > out.logits[i * V + arg]) arg = v;
        if (arg === ids[j + 1] && ids[i + 1] === ids[j + 1]) copied++;
      }
      lines.push(`- of ${cands} positions after a repeated token, the top prediction was the correct copied continuation at ${copied}`);
    }
    if (name === 'prose') {
      // what each head's strongest target is for a few words
      const picks = [6, 12, Math.min(n - 1, 24), n - 2].filter((x, i, s) => x > 0 && s.indexOf(x) === i);
      for (let l = 0; l < LAYERS; l++) {
        const row = [];
        for (let h = 0; h < HEADS; h++) {
          const t = picks.map((i) => {
            let arg = 0;
            for (let j = 0; j <= i; j++) if (at(A[l], n, h, i, j) > at(A[l], n, h, i, arg)) arg = j;
            return `${show(toks[i])}→${show(toks[arg])}`;
          });
          row.push(`${l}.${h}: ${t.join(' ')}`);
        }
        lines.push(`- layer ${l} top targets: ${row.join('; ')}`);
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The shipped tokenizer.json must give the same ids in the native `tokenizers` package
 * and in `@huggingface/tokenizers` (the JS one); checked on the held-out documents. */
async function tokenizerCheck(): Promise<string> {
  const tk = require('tokenizers');
  const nat = tk.Tokenizer.fromFile(path.join(MODEL, 'tokenizer.json'));
  const { Tokenizer } = await import('@huggingface/tokenizers');
  const cfgPath = path.join(MODEL, 'tokenizer_config.json');
  const cfg = fs.existsSync(cfgPath) ? JSON.parse(fs.readFileSync(cfgPath, 'utf8')) : {};
  const js = new Tokenizer(JSON.parse(fs.readFileSync(path.join(MODEL, 'tokenizer.json'), 'utf8')), cfg);
  const docs = fs.readFileSync(path.join(ROOT, '.cache/train/corpus/test.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);
  let same = 0;
  let chars = 0;
  let roundTrip = 0;
  for (const d of docs) {
    const a: number[] = (await nat.encode(d, null, { addSpecialTokens: false })).getIds();
    const b: number[] = js.encode(d, { add_special_tokens: false }).ids;
    if (a.length === b.length && a.every((x, i) => x === b[i])) same++;
    if (js.decode(b) === d) roundTrip++;
    chars += d.length;
  }
  const eot = js.encode('<|endoftext|>x', { add_special_tokens: false }).ids;
  return `${same}/${docs.length} held-out documents (${chars} characters) encode to identical ids in \`tokenizers\` (native) and \`@huggingface/tokenizers\`; ${roundTrip}/${docs.length} decode back to the exact text; "<|endoftext|>x" encodes to [${eot.join(', ')}]`;
}

// ------------------------------------------------------------------------- bench -----
async function benchChild(threads: number) {
  const ort = require('onnxruntime-web');
  ort.env.wasm.wasmPaths = pathToFileURL(path.join(ROOT, 'node_modules/onnxruntime-web/dist')).href + '/';
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(fs.readFileSync(path.join(MODEL, 'model.onnx')), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const test = readU16(path.join(DATA, 'test.bin'));
  const ids = [0, ...test.subarray(1000, 1000 + CTX - 1)];
  const feeds = { [manifest.inputs.inputIds]: new ort.Tensor('int64', BigInt64Array.from(ids.map((x) => BigInt(x))), [1, ids.length]) };
  const times: number[] = [];
  for (let r = 0; r < 8; r++) {
    const t = performance.now();
    await session.run(feeds);
    if (r >= 2) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ threads, tokens: ids.length, medianMs: times[Math.floor(times.length / 2)], minMs: times[0], runs: times.length }));
  process.exit(0);
}

function bench() {
  const res = [];
  for (const threads of [1, 2]) {
    const out = execFileSync(process.execPath, [...process.execArgv, __filename, '--bench-child', String(threads), '--model', MODEL, '--data', DATA], { encoding: 'utf8' });
    const line = out.trim().split('\n').pop()!;
    res.push(JSON.parse(line));
    console.log('bench', line);
  }
  return res;
}

// ------------------------------------------------------------------------- report ----
function table(scores: number[]): string {
  const head = `| layer | ${Array.from({ length: HEADS }, (_, h) => `head ${h}`).join(' | ')} |`;
  const sep = `| --- | ${Array.from({ length: HEADS }, () => '---').join(' | ')} |`;
  const rows = Array.from({ length: LAYERS }, (_, l) => `| ${l} | ${scores.slice(l * HEADS, (l + 1) * HEADS).map((x) => x.toFixed(3)).join(' | ')} |`);
  return [head, sep, ...rows].join('\n');
}
function best(scores: number[]) {
  const i = scores.indexOf(Math.max(...scores));
  return { head: `${Math.floor(i / HEADS)}.${i % HEADS}`, score: scores[i] };
}

async function main() {
  if (argv.includes('--bench-child')) return benchChild(Number(arg('bench-child')));
  const seed = Number(arg('seed', String(randomInt(1, 2 ** 31 - 1))));
  const maxWindows = Number(arg('max-windows', '1000000'));
  console.log(`backend ${BACKEND}, model ${MODEL}, seed ${seed}`);
  const run = BACKEND === 'engine' ? await engineBackend() : await ortNodeBackend();

  const check = path.resolve(arg('check', path.join(ROOT, '.cache/train/export_check.json'))!);
  let exportCheck = 'not run';
  if (fs.existsSync(check)) {
    const c = JSON.parse(fs.readFileSync(check, 'utf8'));
    const out = await run(c.ids);
    const n = c.ids.length;
    const lg = Array.from(out.logits.subarray((n - 1) * V, (n - 1) * V + 16));
    const diff = Math.max(...lg.map((x, i) => Math.abs(x - c.logits_last[i])));
    exportCheck = `max |logit difference| vs PyTorch on a 64-token input: ${diff.toExponential(2)}`;
    console.log(exportCheck);
  }
  const tokCheck = await tokenizerCheck();
  console.log(tokCheck);
  const t0 = Date.now();
  const ho = await heldOut(run, maxWindows);
  const ind50 = await induction(run, 50, 32, seed);
  const ind255 = await induction(run, Math.floor((CTX - 1) / 2), 16, seed + 1);
  const qual = await qualitative(run);
  const benchRes = argv.includes('--bench') ? bench() : [];
  const result = {
    date: new Date().toISOString(),
    backend: BACKEND,
    seed,
    exportCheck,
    tokCheck,
    heldOut: { windows: ho.windows, tokens: ho.tokens, loss: ho.loss, bigram: ho.bigram, gap: ho.bigram - ho.loss },
    prevToken: { scores: ho.prev, best: best(ho.prev) },
    sink: ho.sink,
    induction50: { ...ind50, best: best(ind50.scores) },
    induction255: { ...ind255, best: best(ind255.scores) },
    bench: benchRes,
    modelBytes: fs.statSync(path.join(MODEL, 'model.onnx')).size,
    seconds: (Date.now() - t0) / 1000,
  };
  fs.mkdirSync(path.join(ROOT, '.cache/train'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, '.cache/train/eval.json'), JSON.stringify(result, null, 1));
  const md = [
    `Measured by \`tools/train/eval.ts\` on \`${path.relative(ROOT, MODEL)}/model.onnx\` (${(result.modelBytes / 1e6).toFixed(1)} MB), backend \`${BACKEND}\`${BACKEND === 'ort-node' ? ' (onnxruntime-node, CPU)' : ' (the engine, onnxruntime-web WASM)'}, ${result.date}; random seed ${seed}. Export check: ${exportCheck}. Tokenizer check: ${tokCheck}.`,
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
    ...benchRes.map((b) => `| one ${b.tokens}-token forward pass, onnxruntime-web WASM in Node, ${b.threads} thread${b.threads > 1 ? 's' : ''} (median of ${b.runs}; min) | ${b.medianMs.toFixed(0)} ms; ${b.minMs.toFixed(0)} ms |`),
    '',
    'Previous-token score per head (layer.head; mean attention from token i to token i−1 on held-out text):',
    '',
    table(ho.prev),
    '',
    'Induction score per head (T = 50):',
    '',
    table(ind50.scores),
    '',
    'Induction score per head (T = 255):',
    '',
    table(ind255.scores),
    '',
    'Mean attention to `<|endoftext|>` at position 0 per head (held-out text):',
    '',
    table(ho.sink),
    '',
    '### Qualitative: three example selections',
    '',
    qual,
  ].join('\n');
  if (fs.existsSync(CARD)) {
    const card = fs.readFileSync(CARD, 'utf8');
    const a = card.indexOf('<!-- eval:begin -->');
    const b = card.indexOf('<!-- eval:end -->');
    if (a >= 0 && b > a) {
      fs.writeFileSync(CARD, card.slice(0, a + '<!-- eval:begin -->'.length) + '\n' + md + '\n' + card.slice(b));
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
