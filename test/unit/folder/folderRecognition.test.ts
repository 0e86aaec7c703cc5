/** The pure parts of folder recognition: config.json families, special-token templates, graph choice. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseGraphFile } from '../../../src/engine/folder/graphChoice';
import { readConfigFacts } from '../../../src/engine/folder/modelConfig';
import { specialTokensOf } from '../../../src/engine/folder/specialTokenTemplate';
import { ROOT } from '../engine/fixtures';

/** Real config.json files (openai-community/gpt2, sentence-transformers/all-MiniLM-L6-v2). */
const realConfig = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'configs', `${name}.json`), 'utf8'));

describe('readConfigFacts: config.json families', () => {
  it('reads GPT-2 sizes under their GPT-2 names', () => {
    const facts = readConfigFacts(realConfig('gpt2'));
    assert.deepEqual(
      { ...facts, fields: undefined },
      {
        modelType: 'gpt2',
        known: true,
        architecture: 'decoder',
        layers: 12,
        heads: 12,
        hiddenSize: 768,
        maxPositions: 1024,
        vocabSize: 50257,
        fields: undefined,
      },
    );
    assert.equal(facts.fields.layers, 'n_layer');
  });

  it('reads BERT as an encoder', () => {
    const facts = readConfigFacts(realConfig('all-MiniLM-L6-v2'));
    assert.equal(facts.architecture, 'encoder');
    assert.deepEqual(
      [facts.layers, facts.heads, facts.hiddenSize, facts.maxPositions],
      [6, 12, 384, 512],
    );
  });

  it('knows grouped key/value heads, head_dim, RoBERTa position offset and multi-query', () => {
    const llama = readConfigFacts({
      model_type: 'qwen2',
      num_hidden_layers: 24,
      num_attention_heads: 14,
      num_key_value_heads: 2,
      hidden_size: 896,
      max_position_embeddings: 32768,
    });
    assert.deepEqual([llama.architecture, llama.heads, llama.kvHeads], ['decoder', 14, 2]);
    assert.equal(
      readConfigFacts({
        model_type: 'gemma',
        head_dim: 256,
        num_attention_heads: 8,
        hidden_size: 2048,
      }).headDim,
      256,
    );
    assert.equal(
      readConfigFacts({ model_type: 'xlm-roberta', max_position_embeddings: 514 }).maxPositions,
      512,
    );
    assert.equal(
      readConfigFacts({ model_type: 'gpt_bigcode', n_head: 12, multi_query: true }).kvHeads,
      1,
    );
    assert.deepEqual(
      [readConfigFacts({ model_type: 'distilbert', n_layers: 6, n_heads: 12, dim: 768 }).layers],
      [6],
    );
  });

  it('tries every family name for an unknown model_type and leaves the architecture open', () => {
    const facts = readConfigFacts({ model_type: 'mystery', n_layer: 3, num_attention_heads: 4 });
    assert.deepEqual(
      [facts.known, facts.architecture, facts.layers, facts.heads],
      [false, undefined, 3, 4],
    );
  });
});

describe('specialTokensOf: what the tokenizer adds', () => {
  const template = (single: object[]) => ({
    post_processor: {
      type: 'TemplateProcessing',
      single,
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
  });
  it('reads TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel and Sequence', () => {
    assert.deepEqual(
      specialTokensOf(template([{ SpecialToken: { id: '<s>' } }, { Sequence: { id: 'A' } }])),
      { prepend: ['<s>'], append: [] },
    );
    assert.deepEqual(
      specialTokensOf({
        post_processor: { type: 'BertProcessing', cls: ['[CLS]', 101], sep: ['[SEP]', 102] },
      }),
      { prepend: ['[CLS]'], append: ['[SEP]'] },
    );
    assert.deepEqual(
      specialTokensOf({
        post_processor: { type: 'RobertaProcessing', cls: ['<s>', 0], sep: ['</s>', 2] },
      }),
      { prepend: ['<s>'], append: ['</s>'] },
    );
    assert.deepEqual(specialTokensOf({ post_processor: { type: 'ByteLevel' } }), {
      prepend: [],
      append: [],
    });
    assert.deepEqual(specialTokensOf({ post_processor: null }), { prepend: [], append: [] });
    const sequence = {
      post_processor: {
        type: 'Sequence',
        processors: [
          { type: 'ByteLevel' },
          { type: 'BertProcessing', cls: ['[CLS]', 1], sep: ['[SEP]', 2] },
        ],
      },
    };
    assert.deepEqual(specialTokensOf(sequence), { prepend: ['[CLS]'], append: ['[SEP]'] });
  });

  it('adds add_bos_token / add_eos_token from tokenizer_config.json where the template lacks them', () => {
    const byteLevel = { post_processor: { type: 'ByteLevel' } };
    assert.deepEqual(
      specialTokensOf(byteLevel, {
        add_bos_token: true,
        add_eos_token: true,
        bos_token: { content: '<s>' },
        eos_token: '</s>',
      }),
      { prepend: ['<s>'], append: ['</s>'] },
    );
    const withBos = template([{ SpecialToken: { id: '<s>' } }, { Sequence: { id: 'A' } }]);
    assert.deepEqual(specialTokensOf(withBos, { add_bos_token: true, bos_token: '<s>' }), {
      prepend: ['<s>'],
      append: [],
    });
    assert.deepEqual(specialTokensOf(byteLevel, { add_bos_token: false, bos_token: '<s>' }), {
      prepend: [],
      append: [],
    });
  });

  it('names a post_processor type it does not read', () => {
    assert.throws(
      () => specialTokensOf({ post_processor: { type: 'Novel' } }),
      /post_processor of type "Novel"; supported: TemplateProcessing/,
    );
  });
});

describe('chooseGraphFile', () => {
  it('prefers fp32, then the non-merged decoder; a quantized file only when alone, with a note', () => {
    assert.equal(
      chooseGraphFile(['onnx/model_q4.onnx', 'onnx/model.onnx'], 'x').chosen.path,
      'onnx/model.onnx',
    );
    const alone = chooseGraphFile(['onnx/model_quantized.onnx', 'config.json'], 'x');
    assert.equal(alone.chosen.path, 'onnx/model_quantized.onnx');
    assert.deepEqual(alone.notes, [
      "onnx/model_quantized.onnx has quantized weights: its attention approximates the fp32 model's.",
    ]);
    const both = chooseGraphFile(
      ['decoder_model_merged.onnx', 'decoder_model.onnx', 'decoder_with_past_model.onnx'],
      'x',
    );
    assert.equal(both.chosen.path, 'decoder_model.onnx');
    assert.deepEqual(both.notes, [
      'decoder_model.onnx preferred to decoder_model_merged.onnx (no If to edit).',
    ]);
  });

  it('says when a folder has no graph, or only an encoder-decoder pair', () => {
    assert.throws(
      () => chooseGraphFile(['config.json'], '/m'),
      /^ModelError: \/m\/model\.onnx: not found: the folder has no ONNX graph/,
    );
    assert.throws(
      () => chooseGraphFile(['encoder_model.onnx', 'decoder_with_past_model.onnx'], '/m'),
      /is not a graph this version can run alone \(found encoder_model\.onnx, decoder_with_past_model\.onnx\)\. Encoder-decoder exports/,
    );
  });
});
