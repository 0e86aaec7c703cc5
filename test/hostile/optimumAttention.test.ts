/**
 * Optimum-optimized and opset-23 folders whose fused attention node holds something the
 * un-fusing does not rewrite (an attribute, an input, a num_heads the weights contradict):
 * the built CLI refuses them in one line naming the file, the node and the attribute,
 * instead of showing an attention that is not the model's.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { failsClearly } from './helpers/expectations';
import { Scratch } from './helpers/modelFolders';
import { ROOT, runCli } from './helpers/runBounded';

const { onnx } = onnxProto;
const HF = join(ROOT, 'test', 'fixtures', 'hf');

type Edit = (node: onnxProto.onnx.INodeProto) => void;

/** A copy of `folder` whose every node of type `opType` went through `edit`. */
function edited(
  scratch: Scratch,
  folder: string,
  graph: string,
  opType: string,
  edit: Edit,
): string {
  const dir = scratch.path(`${folder}-${Math.random().toString(36).slice(2)}`);
  cpSync(join(HF, folder), dir, { recursive: true });
  const model = onnx.ModelProto.decode(readFileSync(join(dir, graph)));
  for (const node of model.graph?.node ?? []) if (node.opType === opType) edit(node);
  writeFileSync(join(dir, graph), onnx.ModelProto.encode(model).finish());
  return dir;
}

const int = (name: string, i: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
const setInt = (node: onnxProto.onnx.INodeProto, name: string, i: number) => {
  node.attribute = [...(node.attribute ?? []).filter((a) => a.name !== name), int(name, i)];
};

describe('hostile fused attention (CLI)', () => {
  const scratch = new Scratch();
  after(() => scratch.remove());
  const inspect = (dir: string) => runCli(['--model', dir, '--text', 'the cat sat']);

  const cases: [string, string, string, string, Edit, RegExp][] = [
    [
      'an Attention with rotary inside (do_rotary)',
      'bert-optimized',
      'onnx/model.onnx',
      'Attention',
      (n) => setInt(n, 'do_rotary', 1),
      /onnx\/model\.onnx: com\.microsoft\.Attention node "Attention_0" has do_rotary=1 \(rotary embeddings inside the node\)/,
    ],
    [
      'an Attention with an attribute it does not know (a quantized KV cache)',
      'bert-optimized',
      'onnx/model.onnx',
      'Attention',
      (n) => setInt(n, 'kv_cache_bit_width', 4),
      /onnx\/model\.onnx: .*"Attention_0" has the attribute "kv_cache_bit_width"/,
    ],
    [
      'an Attention whose num_heads does not divide its weights',
      'bert-optimized',
      'onnx/model.onnx',
      'Attention',
      (n) => setInt(n, 'num_heads', 5),
      /onnx\/model\.onnx: .*"Attention_0" has num_heads 5, but its q\/k\/v widths are 32\/32\/32 .*num_heads does not match the weights/,
    ],
    [
      'a MultiHeadAttention whose num_heads does not divide its query',
      'gpt2-optimized',
      'model.onnx',
      'MultiHeadAttention',
      (n) => setInt(n, 'num_heads', 3),
      /model\.onnx: com\.microsoft\.MultiHeadAttention node "MultiHeadAttention_0" has num_heads 3, but its query is 32 wide/,
    ],
    [
      'a MultiHeadAttention with packed QKV (no key, no value)',
      'gpt2-optimized',
      'model.onnx',
      'MultiHeadAttention',
      (n) => {
        n.input = [n.input?.[0] ?? '', '', '', ...(n.input ?? []).slice(3)];
      },
      /model\.onnx: .*"MultiHeadAttention_0" has packed QKV/,
    ],
    [
      'an ONNX Attention asked for its q·kᵀ output',
      'gpt2-attention23',
      'model.onnx',
      'Attention',
      (n) => {
        n.output = [...(n.output ?? []), `${n.name}_qk`];
      },
      /model\.onnx: ai\.onnx\.Attention node "Attention_0" has a qk_matmul_output output/,
    ],
    [
      'an ONNX Attention whose q_num_heads does not divide its query',
      'gpt2-attention23',
      'model.onnx',
      'Attention',
      (n) => setInt(n, 'q_num_heads', 6),
      /model\.onnx: .*"Attention_0" has q_num_heads 6 and kv_num_heads 4/,
    ],
  ];
  for (const [what, folder, graph, opType, edit, says] of cases) {
    it(`refuses ${what}, naming it`, async () => {
      failsClearly(await inspect(edited(scratch, folder, graph, opType, edit)), says);
    });
  }
});
