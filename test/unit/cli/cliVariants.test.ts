/**
 * `--variant` without a name (dist/cli.js, built bundle): the folder's graph variants with
 * their sizes on disk and how to pick one, instead of a parse error; nothing is run.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../../../src/util/graphFileSize';
import { fixtureModel, ROOT } from '../engine/fixtures';
import { CLI, runCli } from './runCli';

const BERT = join(ROOT, 'test', 'fixtures', 'hf', 'bert-optimized');

describe('CLI --variant without a name lists the variants', function () {
  this.timeout(60000);
  before(() => {
    assert.ok(existsSync(CLI), 'run `node esbuild.mjs` first (npm test does)');
  });

  for (const [where, args] of [
    ['last', ['--model', BERT, '--variant']],
    ['before another option', ['--model', BERT, '--variant', '--text', 'the cat sat']],
  ] as const) {
    it(`lists each graph with its size and how to pick one (--variant ${where})`, async () => {
      const run = await runCli([...args]);
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.trim().split('\n');
      assert.match(lines[0], /^Graph variants of .*bert-optimized, best first/);
      const size = (file: string) => formatBytes(statSync(join(BERT, file)).size);
      assert.match(
        lines[1],
        new RegExp(`^  fp32 +onnx/model\\.onnx +${size('onnx/model.onnx')}  \\(default\\)$`),
      );
      assert.match(
        lines[2],
        new RegExp(`^  fp16 +onnx/model_fp16\\.onnx +${size('onnx/model_fp16.onnx')}$`),
      );
      assert.match(
        lines[3],
        new RegExp(
          `^  quantized +onnx/model_quantized\\.onnx +${size('onnx/model_quantized.onnx')}$`,
        ),
      );
      assert.equal(
        lines[4],
        'Pick one with --variant NAME, e.g. --variant fp16; without --variant the first is used.',
      );
      assert.equal(run.stderr, '', 'nothing ran');
    });
  }

  it('says why a folder has none to choose from', async () => {
    const run = await runCli(['--model', fixtureModel('decoder-attn'), '--variant']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /decoder-attn has no graph variants to choose from: --variant picks among a Hugging Face export's graph files/,
    );
  });

  it('a variant name that is not one is still refused, naming the choices', async () => {
    const run = await runCli(['--model', BERT, '--variant', 'q3', '--text', 'x']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--variant takes one of fp32, fp16, .*, not "q3"/);
  });
});
