/**
 * Hostile tokenizer.json files (issue 27: defects 1, 2, 6, 8, 18, tokenizer side), made at
 * test time from the fixture folders and given to the built CLI: each is refused at load in
 * one line naming tokenizer.json and the field, in bounded time; and SentencePiece
 * tokenization of long texts is linear.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTokenizer } from '../../src/engine/tokenize/createTokenizer';
import { failsClearly } from './helpers/expectations';
import { Scratch, editJson } from './helpers/modelFolders';
import { ROOT, runCli } from './helpers/runBounded';

const HF = join(ROOT, 'test', 'fixtures', 'hf');
type Folder = 't5-small-tiny' | 'opus-mt-tiny' | 'bert' | 'gpt2' | 'qwen2' | 'llama';

describe('hostile tokenizer.json (CLI)', () => {
  const scratch = new Scratch();
  after(() => scratch.remove());
  let count = 0;
  // biome-ignore lint/suspicious/noExplicitAny: tests break tokenizer.json on purpose
  const broken = (name: Folder, edit: (json: any) => void): string => {
    const dir = scratch.path(`${name}-${++count}`);
    cpSync(join(HF, name), dir, { recursive: true });
    editJson(dir, 'tokenizer.json', edit);
    return dir;
  };
  const inspect = (dir: string, text = 'Hello world!', more: string[] = []) =>
    runCli(['--model', dir, '--text', text, '--max-new-tokens', '1', ...more]);
  const AS = `${'a'.repeat(36)}b`;

  it('defect 1: a Replace normalizer regex that backtracks catastrophically is refused at load', async () => {
    const dir = broken('opus-mt-tiny', (j) => {
      j.normalizer = { type: 'Replace', pattern: { Regex: '(a+)+$' }, content: 'x' };
    });
    failsClearly(
      await inspect(dir, AS),
      /tokenizer\.json: cannot be used \(normalizer\.pattern\.Regex "\(a\+\)\+\$" repeats a group that itself repeats or alternates, which can take exponential time; refused/,
      { ms: 30_000 },
    );
  });

  it('defect 1: a Split pre-tokenizer regex that backtracks catastrophically is refused at load', async () => {
    const dir = broken('qwen2', (j) => {
      j.pre_tokenizer.pretokenizers[0].pattern = { Regex: '(a|a)*$' };
    });
    failsClearly(
      await inspect(dir, AS),
      /tokenizer\.json: cannot be used \(pre_tokenizer\.pretokenizers\[0\]\.pattern\.Regex "\(a\|a\)\*\$" repeats a group/,
      { ms: 30_000 },
    );
  });

  it('defect 1: an invalid regex and an unknown pre-tokenizer type: one line each', async () => {
    const invalid = broken('qwen2', (j) => {
      j.pre_tokenizer.pretokenizers[0].pattern = { Regex: '[a-' };
    });
    failsClearly(
      await inspect(invalid),
      /pre_tokenizer\.pretokenizers\[0\]\.pattern\.Regex "\[a-" has an unclosed "\["/,
    );
    const unknown = broken('qwen2', (j) => {
      j.pre_tokenizer.pretokenizers[1].type = 'Foo';
    });
    failsClearly(
      await inspect(unknown),
      /tokenizer\.json: cannot be used \(pre_tokenizer\.pretokenizers\[1\]\.type "Foo" is not supported \(supported: Sequence, Split, /,
    );
  });

  it('defect 2: --target-text far longer than the tokens inspected is refused before tokenizing', async () => {
    const dir = join(HF, 't5-small-tiny');
    const run = await runCli([
      '--model',
      dir,
      '--text',
      'hi',
      '--target-text',
      'ab '.repeat(40_000),
    ]);
    failsClearly(run, /The target text has 120,000 characters; at most 1024 tokens are inspected/, {
      ms: 30_000,
    });
  });

  it('defect 2: SentencePiece (Metaspace) tokenization is linear: 8 times the text, about 8 times the time', () => {
    const json = JSON.parse(readFileSync(join(HF, 't5-small-tiny', 'tokenizer.json'), 'utf8'));
    const tokenizer = createTokenizer(json);
    const small = 'ab '.repeat(10_000);
    const large = 'ab '.repeat(80_000);
    tokenizer.tokenize(small);
    const t0 = performance.now();
    tokenizer.tokenize(small);
    const t1 = performance.now();
    tokenizer.tokenize(large);
    const t2 = performance.now();
    // Quadratic: 8x the text took 64x the time (and 90 s at this size); linear is ~8x.
    assert.ok(t2 - t1 < 20_000, `${Math.round(t2 - t1)} ms for 240 kB`);
    assert.ok(
      t2 - t1 < 25 * Math.max(t1 - t0, 20),
      `${Math.round(t1 - t0)} ms → ${Math.round(t2 - t1)} ms`,
    );
  });

  it('defect 6: a negative added-token id is refused at load', async () => {
    const dir = broken('gpt2', (j) => {
      j.added_tokens[0].id = -3;
    });
    failsClearly(
      await inspect(dir),
      /tokenizer\.json: cannot be used \(added_tokens\[0\]\.id -3 \(for "<\|endoftext\|>"\) is not a token id/,
    );
  });

  it('defect 8: a WordPiece unk_token missing from the vocabulary, named at load', async () => {
    const dir = broken('bert', (j) => {
      delete j.model.vocab[j.model.unk_token];
    });
    failsClearly(
      await inspect(dir),
      /tokenizer\.json: cannot be used \(model\.unk_token "\[UNK\]" is not in the vocabulary/,
    );
  });

  it('defect 8: a Unigram unk_id out of range, named at load', async () => {
    const dir = broken('t5-small-tiny', (j) => {
      j.model.unk_id = 99999;
    });
    failsClearly(
      await inspect(dir),
      /tokenizer\.json: cannot be used \(model\.unk_id 99999 is not the index of a piece/,
    );
  });

  it('defect 8: merges naming tokens not in the vocabulary, named at load', async () => {
    const dir = broken('gpt2', (j) => {
      j.model.merges.unshift('Ġ zzzNotInVocab');
    });
    failsClearly(
      await inspect(dir),
      /tokenizer\.json: cannot be used \(model\.merges\[0\] "Ġ zzzNotInVocab" names "zzzNotInVocab", which is not in the vocabulary/,
    );
  });

  it('defect 8: a short precompiled charsmap, named at load', async () => {
    const dir = broken('t5-small-tiny', (j) => {
      const bytes = Buffer.from(j.normalizer.normalizers[0].precompiled_charsmap, 'base64');
      bytes.writeUInt32LE(8, 0);
      j.normalizer.normalizers[0].precompiled_charsmap = bytes.subarray(0, 12).toString('base64');
    });
    failsClearly(
      await inspect(dir),
      /tokenizer\.json: cannot be used \(normalizer\.normalizers\[0\]\.precompiled_charsmap is not a charsmap/,
    );
  });

  it('defect 18: an empty Metaspace replacement is called empty', async () => {
    const dir = broken('t5-small-tiny', (j) => {
      j.pre_tokenizer.replacement = '';
    });
    failsClearly(
      await inspect(dir),
      /tokenizer\.json: cannot be used \(pre_tokenizer\.replacement "" is empty/,
    );
  });

  it('defect 18: max_input_chars_per_word -1 is refused', async () => {
    const dir = broken('bert', (j) => {
      j.model.max_input_chars_per_word = -1;
    });
    failsClearly(
      await inspect(dir),
      /tokenizer\.json: cannot be used \(model\.max_input_chars_per_word -1 is not a whole number ≥ 1/,
    );
  });
});
