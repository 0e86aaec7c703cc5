/**
 * Hostile encoder-decoder folders, made at test time from the T5 and Marian fixtures and
 * given to the built CLI: a missing or wrong decoder, an encoder-only graph, counts that
 * disagree with config.json, no decoder start token. Each ends in one clear line naming the
 * file and what to do, in bounded time and memory.
 */
import { cpSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { failsClearly } from './helpers/expectations';
import { Scratch, editJson } from './helpers/modelFolders';
import { ROOT, runCli } from './helpers/runBounded';

const HF = join(ROOT, 'test', 'fixtures', 'hf');

describe('hostile encoder-decoder folders (CLI)', () => {
  const scratch = new Scratch();
  after(() => scratch.remove());
  let count = 0;
  const copyOf = (name: 't5-small-tiny' | 'opus-mt-tiny'): string => {
    const dir = scratch.path(`${name}-${++count}`);
    cpSync(join(HF, name), dir, { recursive: true });
    return dir;
  };
  const inspect = (dir: string) => runCli(['--model', dir, '--text', 'Hello world!']);

  it('no decoder, only decoder_with_past_model.onnx: says a with-past decoder cannot start a target', async () => {
    const dir = copyOf('t5-small-tiny');
    rmSync(join(dir, 'onnx', 'decoder_model.onnx'));
    rmSync(join(dir, 'onnx', 'decoder_model_fp16.onnx'));
    rmSync(join(dir, 'onnx', 'decoder_model_merged.onnx'));
    failsClearly(
      await inspect(dir),
      /decoder_model\.onnx: not found: config\.json says model_type "t5", an encoder-decoder.*decoder_with_past_model\.onnx alone cannot start a target.*optimum-cli export onnx --task text2text-generation/,
    );
  });

  it('no encoder graph: names encoder_model.onnx and what was found', async () => {
    const dir = copyOf('opus-mt-tiny');
    rmSync(join(dir, 'encoder_model.onnx'));
    failsClearly(
      await inspect(dir),
      /encoder_model\.onnx: not found: config\.json says model_type "marian", an encoder-decoder, which needs encoder_model\.onnx and decoder_model\.onnx \(found: decoder_model\.onnx, decoder_with_past_model\.onnx\)/,
    );
  });

  it('an encoder-only export (model.onnx) with an encoder-decoder config.json', async () => {
    const dir = copyOf('opus-mt-tiny');
    for (const file of ['decoder_model.onnx', 'decoder_with_past_model.onnx'])
      rmSync(join(dir, file));
    renameSync(join(dir, 'encoder_model.onnx'), join(dir, 'model.onnx'));
    failsClearly(await inspect(dir), /encoder_model\.onnx: not found: .*\(found: model\.onnx\)/);
  });

  it('the encoder graph in the decoder’s place: it has no encoder_hidden_states input', async () => {
    const dir = copyOf('opus-mt-tiny');
    cpSync(join(dir, 'encoder_model.onnx'), join(dir, 'decoder_model.onnx'));
    failsClearly(
      await inspect(dir),
      /decoder_model\.onnx: has no "encoder_hidden_states" input \(its inputs: input_ids, attention_mask\), so it is not the decoder of an encoder-decoder export/,
    );
  });

  it('config.json with more decoder layers than the graph has', async () => {
    const dir = copyOf('opus-mt-tiny');
    editJson(dir, 'config.json', (c) => (c.decoder_layers = 3));
    failsClearly(
      await inspect(dir),
      /decoder_model\.onnx: has 4 attention Softmax node\(s\), 2 of them reading encoder_hidden_states; expected 3 self-attention and 3 cross-attention/,
    );
  });

  it('config.json with other decoder heads than the graph computes', async () => {
    const dir = copyOf('opus-mt-tiny');
    editJson(dir, 'config.json', (c) => (c.decoder_attention_heads = 2));
    failsClearly(
      await inspect(dir),
      /decoder_model\.onnx: computes attention over 4 heads, but config\.json "decoder_attention_heads" says 2\. Use the config\.json saved with this graph\./,
    );
  });

  it('no decoder_start_token_id anywhere', async () => {
    const dir = copyOf('opus-mt-tiny');
    for (const file of ['config.json', 'generation_config.json']) {
      editJson(dir, file, (c) => {
        delete c.decoder_start_token_id;
        delete c.pad_token_id;
      });
    }
    failsClearly(await inspect(dir), /config\.json: has no "decoder_start_token_id"/);
  });

  it('a generation_config.json that is not JSON', async () => {
    const dir = copyOf('t5-small-tiny');
    cpSync(join(dir, 'onnx', 'encoder_model.onnx'), join(dir, 'generation_config.json'));
    failsClearly(await inspect(dir), /generation_config\.json: /);
  });
});
