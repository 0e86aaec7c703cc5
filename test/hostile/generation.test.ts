/**
 * Issue 27, items 3, 4, 5 and 7: steps on float16 graphs, banned ids at scale, the decoder's
 * target cap, and generation that never invents an id.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { greedyNext } from '../../src/engine/inference/greedyNext';
import { failsClearly, withinBounds } from './helpers/expectations';
import { editJson, poisonColumns, Scratch } from './helpers/modelFolders';
import { CLI, ROOT, runNode } from './helpers/runBounded';

const HF = join(ROOT, 'test', 'fixtures', 'hf');
const OPUS_VOCAB = 131;

describe('hostile: generation and steps (issue 27)', function () {
  this.timeout(120_000);
  const scratch = new Scratch();
  after(() => scratch.remove());
  const opusCopy = (): string => scratch.copyOf('../hf/opus-mt-tiny');

  it('item 3: --steps on a float16 single-graph model exposes each tensor once', async () => {
    const run = await runNode(CLI, [
      '--model',
      join(HF, 'llama'),
      '--text',
      'hi',
      '--variant',
      'fp16',
      '--steps',
      '0:0',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout);
    assert.equal(json.steps.length, 1);
    withinBounds(run);
  });

  it('item 4: 50,000 banned ids cost a set lookup per id, not a scan', () => {
    const vocab = 60_000;
    const logits = new Float32Array(vocab).map((_, i) => Math.sin(i));
    const banned = new Set(Array.from({ length: 50_000 }, (_, i) => i));
    const source = { label: 'm', graphFile: 'decoder_model.onnx', bannedFrom: 'config.json' };
    const started = performance.now();
    let next = -1;
    for (let step = 0; step < 64; step++) next = greedyNext(logits, banned, source);
    assert.ok(next >= 50_000);
    const ms = performance.now() - started;
    assert.ok(ms < 2_000, `64 choices took ${Math.round(ms)} ms`);
  });

  it('item 5: a target beyond the decoder positions is refused before any work, naming the field', async () => {
    const dir = opusCopy();
    editJson(dir, 'config.json', (json) => {
      json.max_position_embeddings = 16;
    });
    const greedy = await runNode(CLI, [
      '--model',
      dir,
      '--text',
      'hello',
      '--max-new-tokens',
      '40',
    ]);
    failsClearly(
      greedy,
      /40 new tokens.*16 positions.*config\.json "max_position_embeddings".*at most 15/,
    );
    const given = await runNode(CLI, [
      '--model',
      dir,
      '--text',
      'hello',
      '--target-text',
      'hello world '.repeat(10),
    ]);
    failsClearly(given, /target text has \d+ tokens.*16 positions.*Shorten the target text/);
  });

  it('item 7: every id banned is an error naming bad_words_ids, not id -1', async () => {
    const dir = opusCopy();
    editJson(dir, 'generation_config.json', (json) => {
      json.bad_words_ids = Array.from({ length: OPUS_VOCAB }, (_, id) => [id]);
    });
    const run = await runNode(CLI, ['--model', dir, '--text', 'hello', '--max-new-tokens', '3']);
    failsClearly(
      run,
      /generation_config\.json: "bad_words_ids" bans every one of the decoder's 131/,
    );
  });

  it('item 7: NaN logits while generating are an error naming the graph, not stoppedAtEos', async () => {
    const dir = opusCopy();
    poisonColumns(dir, 'decoder_model.onnx', OPUS_VOCAB, Number.NaN);
    poisonColumns(dir, 'decoder_with_past_model.onnx', OPUS_VOCAB, Number.NaN);
    const run = await runNode(CLI, ['--model', dir, '--text', 'hello', '--max-new-tokens', '3']);
    failsClearly(run, /decoder_model\.onnx: gave a NaN logit/);
  });

  it('item 7: NaN logits in a decoder export are an error, not "prob": null', async () => {
    const dir = scratch.copyOf('decoder-attn');
    poisonColumns(dir, 'model.onnx', 457, Number.NaN);
    const run = await runNode(CLI, ['--model', dir, '--text', 'def f(x): return x']);
    failsClearly(run, /model\.onnx: gave NaN logits at position 0/);
  });
});
