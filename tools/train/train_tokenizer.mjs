// Train the byte-level BPE tokenizer of models/mini-code-gpt and encode the corpus.
//
// Usage: node tools/train/train_tokenizer.mjs CORPUS_DIR OUT_DIR [VOCAB_SIZE=8192]
//   CORPUS_DIR: output of build_corpus.py (train.jsonl, test.jsonl)
//   OUT_DIR:    gets tokenizer.json, train.bin, test.bin (uint16 token streams, every
//               document preceded by <|endoftext|>), test_docs.json (document offsets),
//               token_stats.json (tokens per source and split)
//
// GPT-2 style: no normalizer, ByteLevel pre-tokenizer (no prefix space, GPT-2 regex),
// BPE model, ByteLevel decoder, special token <|endoftext|> with id 0.
// The native `tokenizers` package trains a BPE with its default trainer (vocabulary
// 30000); BPE training is greedy, so the first N merges of that run are exactly the
// merges of an N-token run. We keep id 0 = <|endoftext|>, ids 1..256 = the 256
// byte-level symbols (all of them, so any input is encodable), then merges in training
// order until VOCAB_SIZE tokens.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const require = createRequire(path.resolve('package.json'));
const tk = require('tokenizers');

const [corpusDir, outDir, vocabArg] = process.argv.slice(2);
const VOCAB = Number(vocabArg || 8192);
const EOT = '<|endoftext|>';
fs.mkdirSync(outDir, { recursive: true });

async function readDocs(file) {
  const docs = [];
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) if (line.trim()) docs.push(JSON.parse(line));
  return docs;
}

// GPT-2's byte -> unicode table
function bytesToUnicode() {
  const bs = [];
  for (let i = 33; i <= 126; i++) bs.push(i);
  for (let i = 161; i <= 172; i++) bs.push(i);
  for (let i = 174; i <= 255; i++) bs.push(i);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++)
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  const m = new Map();
  bs.forEach((b, i) => {
    m.set(b, String.fromCodePoint(cs[i]));
  });
  return m;
}

const train = await readDocs(path.join(corpusDir, 'train.jsonl'));
const test = await readDocs(path.join(corpusDir, 'test.jsonl'));
const rawTxt = path.join(outDir, 'tok_train.txt');
fs.writeFileSync(rawTxt, train.map((d) => d.text).join('\n'));

const t0 = Date.now();
const raw = new tk.Tokenizer(tk.BPE.empty());
raw.setPreTokenizer(tk.byteLevelPreTokenizer(false, true));
raw.train([rawTxt]);
const rawPath = path.join(outDir, 'tokenizer.raw.json');
raw.save(rawPath);
fs.unlinkSync(rawTxt);
const rj = JSON.parse(fs.readFileSync(rawPath, 'utf8'));
const merges = rj.model.merges.map((m) => (Array.isArray(m) ? m : m.split(' ')));
console.log(
  `trained raw BPE: ${Object.keys(rj.model.vocab).length} tokens, ${merges.length} merges in ${(Date.now() - t0) / 1000}s`,
);

const vocab = { [EOT]: 0 };
const b2u = bytesToUnicode();
for (let b = 0; b < 256; b++) vocab[b2u.get(b)] = b + 1;
let next = 257;
const kept = [];
for (const [a, b] of merges) {
  if (next >= VOCAB) break;
  if (!(a in vocab) || !(b in vocab)) throw new Error(`merge ${a} ${b} refers to an unknown token`);
  const ab = a + b;
  if (ab in vocab) continue;
  vocab[ab] = next++;
  kept.push(`${a} ${b}`);
}
if (next !== VOCAB) throw new Error(`only ${next} tokens`);

const tokJson = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [
    {
      id: 0,
      content: EOT,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    },
  ],
  normalizer: null,
  pre_tokenizer: {
    type: 'ByteLevel',
    add_prefix_space: false,
    trim_offsets: true,
    use_regex: true,
  },
  post_processor: {
    type: 'ByteLevel',
    add_prefix_space: true,
    trim_offsets: false,
    use_regex: true,
  },
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: '',
    end_of_word_suffix: '',
    fuse_unk: false,
    byte_fallback: false,
    vocab,
    merges: kept,
  },
};
const tokPath = path.join(outDir, 'tokenizer.json');
fs.writeFileSync(tokPath, JSON.stringify(tokJson));
fs.unlinkSync(rawPath);

// Encode with the final tokenizer file (the same file that ships).
const tok = tk.Tokenizer.fromFile(tokPath);
async function encodeDocs(docs, name) {
  const per = {};
  const chunks = [];
  const offsets = [];
  let pos = 0;
  const B = 256;
  for (let i = 0; i < docs.length; i += B) {
    const batch = docs.slice(i, i + B);
    const encs = await tok.encodeBatch(
      batch.map((d) => d.text),
      { addSpecialTokens: false },
    );
    encs.forEach((e, j) => {
      const ids = e.getIds();
      const arr = new Uint16Array(ids.length + 1);
      arr[0] = 0;
      arr.set(ids, 1);
      chunks.push(arr);
      offsets.push({ src: batch[j].src, path: batch[j].path, start: pos, len: arr.length });
      pos += arr.length;
      per[batch[j].src] = per[batch[j].src] || { tokens: 0, chars: 0, files: 0 };
      per[batch[j].src].tokens += ids.length;
      per[batch[j].src].chars += batch[j].text.length;
      per[batch[j].src].files += 1;
    });
  }
  const all = new Uint16Array(pos);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  fs.writeFileSync(path.join(outDir, `${name}.bin`), Buffer.from(all.buffer));
  console.log(`${name}: ${docs.length} docs, ${pos} tokens`);
  return { per, offsets, total: pos };
}
const tr = await encodeDocs(train, 'train');
const te = await encodeDocs(test, 'test');
fs.writeFileSync(path.join(outDir, 'test_docs.json'), JSON.stringify(te.offsets));
fs.writeFileSync(
  path.join(outDir, 'token_stats.json'),
  JSON.stringify(
    { vocab: VOCAB, train: tr.per, test: te.per, trainTokens: tr.total, testTokens: te.total },
    null,
    1,
  ),
);
