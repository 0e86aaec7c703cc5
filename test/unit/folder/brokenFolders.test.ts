import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { loadModelFolder } from '../../../src/engine/folder/loadModelFolder';
import { ModelError, type ModelProblem } from '../../../src/engine/modelError';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { FIXTURES } from './fixtureRuntime';

const { onnx } = onnxProto;

interface BrokenCase {
  name: string;
  /** Fixture folder the case starts from. */
  from: string;
  /** Breaks the copy in `dir`. */
  breakIt(dir: string): Promise<void>;
  problem: ModelProblem;
  file: string;
  /** What the message must say after `<dir>/<file>: `. */
  says: RegExp;
}

// biome-ignore lint/suspicious/noExplicitAny: tests break this JSON on purpose: any field, any value
async function editJson(dir: string, file: string, edit: (json: any) => void): Promise<void> {
  const json = JSON.parse(await readFile(join(dir, file), 'utf8'));
  edit(json);
  await writeFile(join(dir, file), JSON.stringify(json));
}

async function editOnnx(dir: string, edit: (model: InstanceType<typeof onnx.ModelProto>) => void) {
  const model = onnx.ModelProto.decode(await readFile(join(dir, 'model.onnx')));
  edit(model);
  await writeFile(join(dir, 'model.onnx'), onnx.ModelProto.encode(model).finish());
}

const CASES: BrokenCase[] = [
  {
    name: 'missing tokenizer.json',
    from: 'decoder-attn',
    problem: 'missingFile',
    file: 'tokenizer.json',
    breakIt: (dir) => rm(join(dir, 'tokenizer.json')),
    says: /^not found\. .*needs manifest\.json, model\.onnx and tokenizer\.json/,
  },
  {
    name: 'missing model.onnx',
    from: 'decoder-attn',
    problem: 'missingFile',
    file: 'model.onnx',
    breakIt: (dir) => rm(join(dir, 'model.onnx')),
    says: /^not found\./,
  },
  {
    name: 'tokenizer.json that is a folder',
    from: 'decoder-attn',
    problem: 'notRegularFile',
    file: 'tokenizer.json',
    breakIt: async (dir) => {
      await rm(join(dir, 'tokenizer.json'));
      await mkdir(join(dir, 'tokenizer.json'));
    },
    says: /^is not a regular file \(a folder\)/,
  },
  {
    name: 'truncated model.onnx',
    from: 'decoder-noattn',
    problem: 'corruptOnnx',
    file: 'model.onnx',
    breakIt: async (dir) => {
      const bytes = await readFile(join(dir, 'model.onnx'));
      await writeFile(join(dir, 'model.onnx'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    },
    says: /^not a valid ONNX model; the file is truncated or corrupt \(.+\)\. Export or download model\.onnx again\.$/,
  },
  {
    name: 'model.onnx that is a text file',
    from: 'decoder-noattn',
    problem: 'corruptOnnx',
    file: 'model.onnx',
    breakIt: (dir) =>
      writeFile(join(dir, 'model.onnx'), 'version https://git-lfs.github.com/spec/v1\n'),
    says: /^not a valid ONNX model; the file is truncated or corrupt/,
  },
  {
    name: 'vocabSize that does not match the embedding',
    from: 'decoder-attn',
    problem: 'vocabMismatch',
    file: 'model.onnx',
    breakIt: (dir) => editJson(dir, 'manifest.json', (m) => (m.vocabSize = 500)),
    says: /^has a token embedding with 457 rows, but manifest\.json says "vocabSize": 500\. Set "vocabSize" to 457/,
  },
  {
    name: 'vocabSize smaller than the tokenizer',
    from: 'encoder-bert',
    problem: 'vocabMismatch',
    file: 'tokenizer.json',
    breakIt: (dir) => editJson(dir, 'manifest.json', (m) => (m.vocabSize = 400)),
    says: /^has token ids up to 432, but manifest\.json says "vocabSize": 400/,
  },
  {
    name: 'an opset onnxruntime-web 1.30 does not support',
    from: 'decoder-noattn',
    problem: 'unsupportedOnnx',
    file: 'model.onnx',
    breakIt: (dir) => editOnnx(dir, (m) => (m.opsetImport[0].version = 27)),
    says: /^has opset 27, but onnxruntime-web 1\.30 supports opsets 7–26\. Re-export the model with an opset from 7 to 26/,
  },
  {
    name: 'a custom operator domain',
    from: 'decoder-noattn',
    problem: 'unsupportedOnnx',
    file: 'model.onnx',
    breakIt: (dir) =>
      editOnnx(dir, (m) =>
        m.opsetImport.push(onnx.OperatorSetIdProto.create({ domain: 'my.ops', version: 1 })),
      ),
    says: /^uses operators of the custom domain "my\.ops"/,
  },
  {
    name: 'external data that would be read from outside the folder',
    from: 'decoder-noattn',
    problem: 'unsupportedOnnx',
    file: 'model.onnx',
    breakIt: (dir) =>
      editOnnx(dir, (m) => {
        const tensor = m.graph!.initializer![0];
        tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
        tensor.externalData = [
          onnx.StringStringEntryProto.create({ key: 'location', value: '../secret.bin' }),
        ];
      }),
    says: /^keeps the weights of "tok\.weight" in external data at "\.\.\/secret\.bin", which is not a file inside the model folder/,
  },
  {
    name: 'a missing external data file',
    from: 'decoder-noattn',
    problem: 'missingFile',
    file: 'model.onnx_data',
    breakIt: (dir) =>
      editOnnx(dir, (m) => {
        const tensor = m.graph!.initializer![0];
        tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
        tensor.externalData = [
          onnx.StringStringEntryProto.create({ key: 'location', value: 'model.onnx_data' }),
        ];
      }),
    says: /^not found \(model\.onnx keeps its weights there\)\. Copy or download the external data file/,
  },
  {
    // com.microsoft.Attention itself is opened up now (unfuse/attentionOp.ts); QAttention is not
    name: 'fused com.microsoft.QAttention with "attentions": "softmax"',
    from: 'broken-fused-attention',
    problem: 'fusedAttention',
    file: 'model.onnx',
    breakIt: (dir) =>
      editOnnx(dir, (m) => {
        for (const node of m.graph?.node ?? [])
          if (node.opType === 'Attention') node.opType = 'QAttention';
      }),
    says: /^computes attention inside 1 fused com\.microsoft\.QAttention node\(s\) \(first: "\(unnamed, output "y"\)"\); their attention probabilities never exist as a tensor, so they cannot be exposed\. Export the model without attention fusion/,
  },
  {
    name: 'layers that do not match the attention Softmax count',
    from: 'decoder-noattn',
    problem: 'attentionNotFound',
    file: 'model.onnx',
    breakIt: (dir) => editJson(dir, 'manifest.json', (m) => (m.layers = 3)),
    says: /^has 2 attention Softmax node\(s\), but manifest\.json says "layers": 3/,
  },
  {
    name: 'a manifest field of the wrong type',
    from: 'decoder-attn',
    problem: 'badManifest',
    file: 'manifest.json',
    breakIt: (dir) => editJson(dir, 'manifest.json', (m) => (m.heads = '2')),
    says: /^field "heads" must be a positive integer, got "2"\. Fix manifest\.json/,
  },
  {
    name: 'a manifest that is not JSON',
    from: 'decoder-attn',
    problem: 'badJson',
    file: 'manifest.json',
    breakIt: (dir) => writeFile(join(dir, 'manifest.json'), '{ "format": '),
    says: /^not valid JSON \(/,
  },
  {
    name: 'explicit attention outputs that are not one per layer',
    from: 'decoder-attn',
    problem: 'badManifest',
    file: 'manifest.json',
    breakIt: (dir) => editJson(dir, 'manifest.json', (m) => (m.outputs.attentions = ['attn_0'])),
    says: /^"outputs\.attentions" lists 1 outputs but "layers" is 2/,
  },
  {
    name: 'an output the graph does not have',
    from: 'decoder-attn',
    problem: 'missingGraphName',
    file: 'model.onnx',
    breakIt: (dir) => editJson(dir, 'manifest.json', (m) => (m.outputs.logits = 'lm_logits')),
    says: /^has no graph output "lm_logits" \(manifest\.json names it; the graph has "logits", "attn_0", "attn_1"\)/,
  },
  {
    name: 'a graph input the manifest does not describe',
    from: 'encoder-bert',
    problem: 'missingGraphName',
    file: 'model.onnx',
    breakIt: (dir) => editJson(dir, 'manifest.json', (m) => delete m.inputs.tokenTypeIds),
    says: /^needs the input "token_type_ids", which manifest\.json does not describe/,
  },
  {
    name: 'a special token the tokenizer lacks',
    from: 'encoder-bert',
    problem: 'missingSpecialToken',
    file: 'tokenizer.json',
    breakIt: (dir) => editJson(dir, 'manifest.json', (m) => (m.specialTokens.prepend = ['<s>'])),
    says: /^has no token "<s>", which manifest\.json's "specialTokens" adds/,
  },
  {
    name: 'a tokenizer.json without a model',
    from: 'encoder-bert',
    problem: 'badTokenizer',
    file: 'tokenizer.json',
    breakIt: (dir) => writeFile(join(dir, 'tokenizer.json'), '{"version": "1.0"}'),
    says: /^has no "model" object/,
  },
  {
    name: 'a tokenizer_config.json that is not an object',
    from: 'encoder-bert',
    problem: 'badJson',
    file: 'tokenizer_config.json',
    breakIt: (dir) => writeFile(join(dir, 'tokenizer_config.json'), '[1, 2]'),
    says: /^not a valid JSON object/,
  },
];

describe('loadModelFolder on broken folders', () => {
  let root: string;
  before(async () => (root = await mkdtemp(join(tmpdir(), 'broken-models-'))));
  after(() => rm(root, { recursive: true, force: true }));

  for (const c of CASES) {
    it(`reports ${c.name}`, async () => {
      const dir = join(root, c.name.replace(/\W+/g, '-'));
      await cp(join(FIXTURES, c.from), dir, { recursive: true });
      await c.breakIt(dir);
      const error = await loadModelFolder(nodeModelFiles(dir)).then(
        () => assert.fail('the folder loaded'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ModelError, String(error));
      assert.equal(error.code, 'badModel');
      assert.equal(error.problem, c.problem, error.message);
      assert.equal(error.file, c.file);
      const prefix = `${dir}/${c.file}: `;
      assert.ok(error.message.startsWith(prefix), error.message);
      assert.match(error.message.slice(prefix.length), c.says);
    });
  }
});
