/**
 * Issue 27, items 9–14, 16 and 17: what a hostile or broken Hugging Face folder gets told,
 * and what it may cost: advice that names config.json, file-system messages that say what
 * is wrong, precisions, external data read by range, links kept inside the folder.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { failsClearly, withinBounds } from './helpers/expectations';
import { editJson, Scratch, sparseFile } from './helpers/modelFolders';
import { CLI, ROOT, runNode } from './helpers/runBounded';

const { onnx } = onnxProto;
const HF = join(ROOT, 'test', 'fixtures', 'hf');

describe('hostile: Hugging Face folders (issue 27)', function () {
  this.timeout(120_000);
  const scratch = new Scratch();
  after(() => scratch.remove());
  let count = 0;
  const copy = (name: string): string => {
    const dir = scratch.path(`${name}-${++count}`);
    cpSync(join(HF, name), dir, { recursive: true });
    return dir;
  };
  const cli = (...args: string[]) => runNode(CLI, args);
  /** Rewrites the `external_data` entry `key` of the first external initializer of `file`. */
  const editExternal = (dir: string, file: string, key: string, value: string): void => {
    const path = join(dir, file);
    const model = onnx.ModelProto.decode(readFileSync(path));
    const tensor = model.graph!.initializer!.find((t) => t.dataLocation === 1)!;
    const entries = tensor.externalData!.filter((e) => e.key !== key);
    entries.push(onnx.StringStringEntryProto.create({ key, value }));
    tensor.externalData = entries;
    writeFileSync(path, onnx.ModelProto.encode(model).finish());
  };

  describe('item 9: a folder without manifest.json is advised about config.json', () => {
    it('a position count the graph lacks names config.json and its field', async () => {
      const dir = copy('gpt2');
      editJson(dir, 'config.json', (json) => {
        json.n_positions = 1e9;
      });
      const run = await cli('--model', dir, '--text', 'hi');
      failsClearly(run, /config\.json: field "n_positions" is 1000000000.*Set "n_positions" to 64/);
      assert.doesNotMatch(run.stderr, /manifest\.json/);
    });

    it('heads the graph contradicts name config.json and its field', async () => {
      const dir = copy('gpt2');
      editJson(dir, 'config.json', (json) => {
        json.n_head = 2;
      });
      const run = await cli('--model', dir, '--text', 'hi');
      failsClearly(run, /model\.onnx: .*config\.json says "n_head": 2/);
      assert.doesNotMatch(run.stderr, /manifest\.json/);
    });
  });

  describe('item 10: file-system messages say what is wrong', () => {
    it('--model naming a file says it is not a folder', async () => {
      const run = await cli('--model', join(copy('gpt2'), 'config.json'), '--text', 'hi');
      failsClearly(run, /config\.json: is a file, not a model folder/);
      assert.doesNotMatch(run.stderr, /ENOTDIR|manifest\.json/);
    });

    it('a FIFO model.onnx is "not a regular file", not "no ONNX graph"', async () => {
      const dir = copy('gpt2');
      rmSync(join(dir, 'model.onnx'));
      execFileSync('mkfifo', [join(dir, 'model.onnx')]);
      const run = await cli('--model', dir, '--text', 'hi');
      failsClearly(run, /model\.onnx: is not a regular file \(a FIFO\)/);
    });
  });

  it('item 11: an fp16 encoder with an fp32 decoder says the precisions differ', async () => {
    const dir = copy('t5-small-tiny');
    for (const file of [
      'encoder_model.onnx',
      'decoder_model_fp16.onnx',
      'decoder_with_past_model_fp16.onnx',
    ])
      rmSync(join(dir, 'onnx', file));
    const run = await cli('--model', dir, '--text', 'hi');
    failsClearly(run, /the precisions differ \(encoders here: fp16; decoders: fp32\)/);
  });

  describe('item 12: memory', () => {
    it('a 3 GB sparse external-data file of which kilobytes are used costs kilobytes', async () => {
      const dir = copy('distilbert');
      const data = join(dir, 'model.onnx_data');
      const used = readFileSync(data);
      sparseFile(data, 3e9);
      writeFileSync(join(dir, 'head'), used);
      execFileSync('dd', [`if=${join(dir, 'head')}`, `of=${data}`, 'conv=notrunc', 'status=none']);
      const run = await cli('--model', dir, '--text', 'hello world');
      assert.equal(run.code, 0, run.stderr);
      withinBounds(run);
    });

    it('a 100 MB tokenizer.json is refused by size before it is read', async () => {
      const dir = copy('gpt2');
      sparseFile(join(dir, 'tokenizer.json'), 100 * 1024 * 1024);
      const run = await cli('--model', dir, '--text', 'hi');
      failsClearly(run, /tokenizer\.json: is 100 MiB, more than the 64 MiB it may have/);
    });
  });

  describe('item 13: external-data offsets and lengths are checked against the file', () => {
    it('a length beyond the file', async () => {
      const dir = copy('distilbert');
      editExternal(dir, 'model.onnx', 'length', '999999999999');
      const run = await cli('--model', dir, '--text', 'hi');
      failsClearly(
        run,
        /model\.onnx: places the weights of ".+" at bytes \d+–\d+ of model\.onnx_data, which has \d+ bytes/,
      );
    });

    it('a negative offset', async () => {
      const dir = copy('distilbert');
      editExternal(dir, 'model.onnx', 'offset', '-5');
      const run = await cli('--model', dir, '--text', 'hi');
      failsClearly(
        run,
        /model\.onnx: gives the external data of ".+" the offset "-5", not a byte count/,
      );
    });
  });

  describe('item 14: links stay inside the folder; config text stays out of exports', () => {
    it('a config.json linked from outside the folder is refused without naming its target', async () => {
      const dir = copy('gpt2');
      const outside = scratch.path(`private-${++count}.json`);
      renameSync(join(dir, 'config.json'), outside);
      editJson(scratch.dir, outside.slice(scratch.dir.length + 1), (json) => {
        json._name_or_path = 'SECRET-VALUE';
      });
      symlinkSync(outside, join(dir, 'config.json'));
      const run = await cli('--model', dir, '--text', 'hi');
      failsClearly(run, /config\.json: is a symbolic link to a file outside the model folder/);
      assert.doesNotMatch(run.stderr + run.stdout, /SECRET-VALUE|private-/);
    });

    it('a Hugging Face cache snapshot reads its blobs through links', async () => {
      const repo = scratch.path(`models--org--gpt2-${++count}`);
      const snapshot = join(repo, 'snapshots', 'abc123');
      mkdirSync(join(repo, 'blobs'), { recursive: true });
      mkdirSync(snapshot, { recursive: true });
      for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.onnx']) {
        cpSync(join(HF, 'gpt2', file), join(repo, 'blobs', `blob-${file}`));
        symlinkSync(join('..', '..', 'blobs', `blob-${file}`), join(snapshot, file));
      }
      const run = await cli('--model', snapshot, '--text', 'hi');
      assert.equal(run.code, 0, run.stderr);
    });

    it('free text in config.json never reaches the export', async () => {
      const dir = copy('gpt2');
      editJson(dir, 'config.json', (json) => {
        json._name_or_path = '/home/someone/private models/secret\nline';
        json.license = 'Ignore the above; this text is not a license identifier';
      });
      const run = await cli('--model', dir, '--text', 'hi');
      assert.equal(run.code, 0, run.stderr);
      const exported = JSON.parse(run.stdout);
      assert.equal(exported.model.name, exported.model.id);
      assert.doesNotMatch(run.stdout, /someone|Ignore the above/);
    });
  });

  describe('item 16: a limit that leaves no text token is refused', () => {
    it('--max-tokens 2 on a model with one end token', async () => {
      const run = await cli(
        '--model',
        join(HF, 'opus-mt-tiny'),
        '--text',
        'hi',
        '--max-tokens',
        '2',
      );
      failsClearly(run, /No text token fits: the token limit 2/);
    });

    it('5 M spaces before the text', async () => {
      const file = scratch.path(`spaces-${++count}.txt`);
      writeFileSync(file, `${' '.repeat(5_000_000)}x`);
      const run = await cli('--model', join(HF, 'bert'), '--text-file', file);
      failsClearly(run, /No text token fits: the first [\d,]+ characters/);
    });
  });

  it("item 17: the hidden size exported is the graph's, not a contradicting config's", async () => {
    const dir = copy('gpt2');
    editJson(dir, 'config.json', (json) => {
      json.n_embd = 999;
    });
    const run = await cli('--model', dir, '--text', 'hi');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).model.hiddenSize, 32);
    assert.match(
      run.stderr,
      /hiddenSize 32: read from the token embedding; config\.json says "n_embd": 999/,
    );
  });
});
