import assert from 'node:assert/strict';
import {
  mkdtempSync,
  readFileSync,
  writeFileSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, fixtureModel } from '../engine/fixtures';
import { CLI, runCli } from './runCli';

function oneLine(stderr: string): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0], /^error: /);
}

describe('CLI (dist/cli.js, built bundle)', function () {
  this.timeout(60000);
  const dir = mkdtempSync(join(tmpdir(), 'ai-cli-'));
  before(() => {
    assert.ok(existsSync(CLI), 'run `node esbuild.mjs` first (npm test does)');
  });

  it('writes an export whose offsets slice the text and whose rows sum to 1', async () => {
    const text = 'const x = [1, 2];\nconsole.log(x);';
    const file = join(dir, 'in.txt');
    writeFileSync(file, text);
    const out = join(dir, 'out.json');
    const { code, stderr } = await runCli([
      '--model',
      fixtureModel('decoder-attn'),
      '--text-file',
      file,
      '--out',
      out,
    ]);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(doc.text, text);
    for (const token of doc.tokens) {
      if (!token.special) assert.equal(text.slice(token.start, token.end).length > 0, true);
    }
    const n = doc.tokens.length;
    for (const layer of doc.attentions) {
      for (const head of layer) {
        head.forEach((row: number[], q: number) => {
          assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-3);
          for (let k = q + 1; k < n; k++) assert.equal(row[k], 0);
        });
      }
    }
  });

  it('prints to stdout and honours --layers/--heads', async () => {
    const { code, stdout } = await runCli([
      '--model',
      fixtureModel('decoder-attn'),
      '--text',
      'a b c',
      '--layers',
      '1',
      '--heads',
      '0',
    ]);
    assert.equal(code, 0);
    const doc = JSON.parse(stdout);
    assert.deepEqual([doc.layers, doc.heads], [[1], [0]]);
  });

  it('opens a Hugging Face export folder as it is, --variant picking its graph', async () => {
    const llama = join(ROOT, 'test', 'fixtures', 'hf', 'llama');
    const plain = await runCli(['--model', llama, '--text', 'hello world']);
    assert.equal(plain.code, 0, plain.stderr);
    const doc = JSON.parse(plain.stdout);
    assert.equal(doc.tokens[0].text, '<|begin_of_text|>');
    assert.equal(doc.tokens[0].special, true);
    assert.deepEqual([doc.model.layers, doc.model.heads], [2, 4]);
    const quantized = await runCli([
      '--model',
      llama,
      '--text',
      'hello world',
      '--variant',
      'quantized',
    ]);
    assert.equal(quantized.code, 0, quantized.stderr);
    assert.match(quantized.stderr, /^note: onnx\/model_quantized\.onnx has quantized weights/m);
    assert.notDeepEqual(JSON.parse(quantized.stdout).attentions, doc.attentions);
  });

  const failures: [string, () => string[], RegExp][] = [
    [
      'an unknown --variant',
      () => ['--text', 'hi', '--variant', 'int3'],
      /--variant takes one of fp32, fp16/,
    ],
    [
      'empty text',
      () => ['--model', fixtureModel('decoder-attn'), '--text', ''],
      /empty or only whitespace/,
    ],
    [
      'whitespace-only text',
      () => ['--model', fixtureModel('decoder-attn'), '--text', ' \n\t '],
      /empty or only whitespace/,
    ],
    ['a missing model folder', () => ['--model', join(dir, 'nope'), '--text', 'hi'], /nope/],
    [
      'an unreadable text file',
      () => ['--model', fixtureModel('decoder-attn'), '--text-file', join(dir, 'missing.txt')],
      /does not exist/,
    ],
    [
      'a text file that is a folder',
      () => ['--model', fixtureModel('decoder-attn'), '--text-file', dir],
      /is a folder/,
    ],
    ['no text at all', () => ['--model', fixtureModel('decoder-attn')], /exactly one of --text/],
    [
      'a layer the model lacks',
      () => ['--model', fixtureModel('decoder-attn'), '--text', 'hi', '--layers', '9'],
      /no layer 9/,
    ],
    [
      'a corrupt model.onnx',
      () => {
        const broken = join(dir, 'corrupt');
        mkdirSync(broken, { recursive: true });
        for (const f of readdirSync(fixtureModel('decoder-attn')))
          copyFileSync(join(fixtureModel('decoder-attn'), f), join(broken, f));
        const bytes = readFileSync(join(broken, 'model.onnx'));
        writeFileSync(join(broken, 'model.onnx'), bytes.subarray(0, bytes.length / 3));
        return ['--model', broken, '--text', 'hi'];
      },
      /model\.onnx/,
    ],
  ];
  for (const [what, args, pattern] of failures) {
    it(`fails with one actionable line on ${what}`, async () => {
      const { code, stderr } = await runCli(args());
      assert.notEqual(code, 0);
      oneLine(stderr);
      assert.match(stderr, pattern);
    });
  }
});
