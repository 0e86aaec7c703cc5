import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '../../../src/engine/folder/manifest';
import { ModelError } from '../../../src/engine/modelError';
import { FIXTURES } from './fixtureRuntime';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, name, 'manifest.json'), 'utf8'));
const bytes = (json: unknown) => new TextEncoder().encode(JSON.stringify(json));

describe('parseManifest', () => {
  it('reads the encoder fixture with its optional inputs and "softmax" attentions', () => {
    const manifest = parseManifest(bytes(fixture('encoder-bert')), 'enc');
    assert.deepEqual(manifest.inputs, {
      inputIds: 'input_ids',
      attentionMask: 'attention_mask',
      tokenTypeIds: 'token_type_ids',
    });
    assert.deepEqual(manifest.outputs, { attentions: 'softmax' });
    assert.deepEqual(manifest.specialTokens, { prepend: ['[CLS]'], append: ['[SEP]'] });
    assert.equal(manifest.license, 'MIT AND Apache-2.0');
    assert.match(manifest.provenance, /make_fixtures\.py/);
  });

  it('reads explicit attention outputs and drops fields it does not know', () => {
    const manifest = parseManifest(bytes({ ...fixture('decoder-attn'), comment: 'x' }), 'dec');
    assert.deepEqual(manifest.outputs, { logits: 'logits', attentions: ['attn_0', 'attn_1'] });
    assert.equal('comment' in manifest, false);
  });

  // biome-ignore lint/suspicious/noExplicitAny: tests break this JSON on purpose: any field, any value
  const broken: [string, (m: any) => void, string, RegExp][] = [
    ['a missing name', (m) => delete m.name, 'name', /must be a non-empty string/],
    [
      'an unknown format',
      (m) => (m.format = 'other/2'),
      'format',
      /must be "attention-inspector-model\/1"/,
    ],
    [
      'an unknown architecture',
      (m) => (m.architecture = 'causal'),
      'architecture',
      /must be one of "decoder", "encoder", "encoder-decoder"/,
    ],
    ['zero layers', (m) => (m.layers = 0), 'layers', /must be a positive integer, got 0/],
    ['fractional heads', (m) => (m.heads = 1.5), 'heads', /got 1.5/],
    ['no inputs object', (m) => delete m.inputs, 'inputs', /must be an object/],
    [
      'an empty optional input',
      (m) => (m.inputs.attentionMask = ''),
      'inputs.attentionMask',
      /non-empty string/,
    ],
    [
      'attentions that are neither "softmax" nor a list',
      (m) => (m.outputs.attentions = 'all'),
      'outputs.attentions',
      /must be "softmax" or an array of non-empty strings/,
    ],
    [
      'special tokens that are not strings',
      (m) => (m.specialTokens.append = [3]),
      'specialTokens.append',
      /array of non-empty strings/,
    ],
    ['no license', (m) => delete m.license, 'license', /non-empty string/],
    [
      'a generation graph outside the folder',
      (m) => (m.generationGraph = '../other/model.onnx'),
      'generationGraph',
      /must be the name of another \.onnx file in the model folder/,
    ],
    [
      'the inspection graph as the generation graph',
      (m) => (m.generationGraph = 'model.onnx'),
      'generationGraph',
      /another \.onnx file/,
    ],
  ];
  for (const [what, edit, field, says] of broken) {
    it(`refuses ${what}, naming the field`, () => {
      const json = fixture('encoder-bert');
      edit(json);
      assert.throws(
        () => parseManifest(bytes(json), '/models/x'),
        (e: unknown) =>
          e instanceof ModelError &&
          e.problem === 'badManifest' &&
          e.field === field &&
          e.message.startsWith(`/models/x/manifest.json: field "${field}" `) &&
          says.test(e.message),
      );
    });
  }
});
