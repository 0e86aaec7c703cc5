import * as fs from 'node:fs';
import * as path from 'node:path';

/** The shipped tokenizer.json must give the same ids in the native `tokenizers` package
 * and in `@huggingface/tokenizers` (the JS one); checked on the held-out documents. */
export async function tokenizerCheck(root: string, model: string): Promise<string> {
  const tk = require('tokenizers');
  const nat = tk.Tokenizer.fromFile(path.join(model, 'tokenizer.json'));
  const { Tokenizer } = await import('@huggingface/tokenizers');
  const cfgPath = path.join(model, 'tokenizer_config.json');
  const cfg = fs.existsSync(cfgPath) ? JSON.parse(fs.readFileSync(cfgPath, 'utf8')) : {};
  const js = new Tokenizer(
    JSON.parse(fs.readFileSync(path.join(model, 'tokenizer.json'), 'utf8')),
    cfg,
  );
  const docs = fs
    .readFileSync(path.join(root, '.cache/train/corpus/test.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).text as string);
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
