/**
 * Fused attention nodes we cannot open up, and ones whose head counts contradict their
 * weights, in a model-builder folder (a copy of test/fixtures/hf/gqa-llama edited at test
 * time), given to the built CLI: one clear line naming the file, the node and the attribute.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { failsClearly } from './helpers/expectations';
import { Scratch } from './helpers/modelFolders';
import { ROOT, runCli } from './helpers/runBounded';

const GQA_FOLDER = join(ROOT, 'test', 'fixtures', 'hf', 'gqa-llama');
const { AttributeType } = onnxProto.onnx.AttributeProto;

describe('hostile fused attention (CLI)', () => {
  const scratch = new Scratch();
  after(() => scratch.remove());
  let count = 0;

  /** A copy of the folder whose first GroupQueryAttention node `edit` changed. */
  function withEditedNode(edit: (node: onnx.INodeProto) => void): string {
    const dir = scratch.path(`gqa-${++count}`);
    cpSync(GQA_FOLDER, dir, { recursive: true });
    const file = join(dir, 'onnx', 'model.onnx');
    const model = onnxProto.onnx.ModelProto.decode(readFileSync(file));
    const node = model.graph?.node?.find((n) => n.opType === 'GroupQueryAttention');
    if (!node) throw new Error('the fixture has no GroupQueryAttention node');
    edit(node);
    writeFileSync(file, onnxProto.onnx.ModelProto.encode(model).finish());
    return dir;
  }
  const setInt = (node: onnx.INodeProto, name: string, value: number) => {
    node.attribute = (node.attribute ?? []).filter((a) => a.name !== name);
    node.attribute.push({ name, type: AttributeType.INT, i: value });
  };
  const inspect = (dir: string) => runCli(['--model', dir, '--text', 'x = f(y)']);
  const NODE = /onnx\/model\.onnx: com\.microsoft\.GroupQueryAttention node "[^"]+"/;

  it('a quantized key cache (k_quant_type) is refused with the attribute named', async () => {
    const dir = withEditedNode((node) => {
      node.attribute?.push({
        name: 'k_quant_type',
        type: AttributeType.STRING,
        s: new TextEncoder().encode('PER_CHANNEL'),
      });
    });
    const run = await inspect(dir);
    failsClearly(run, NODE);
    failsClearly(run, /has k_quant_type="PER_CHANNEL" \(a quantized key cache\)/);
  });

  it('num_heads that are no multiple of kv_num_heads are refused, naming both', async () => {
    const run = await inspect(withEditedNode((node) => setInt(node, 'num_heads', 5)));
    failsClearly(run, /has num_heads 5 and kv_num_heads 2 \(query heads must be a whole multiple/);
  });

  it('an attribute we do not know (a mask format) is refused with its name', async () => {
    const run = await inspect(withEditedNode((node) => setInt(node, 'mask_format', 3)));
    failsClearly(run, /has the attribute "mask_format", which this version cannot open up/);
  });

  it('num_heads that do not divide the query width are refused, naming both', async () => {
    const run = await inspect(withEditedNode((node) => setInt(node, 'num_heads', 6)));
    failsClearly(
      run,
      /num_heads 6, but its query is 64 wide .*num_heads does not match the weights\)\. The graph contradicts itself/,
    );
  });

  it('kv_num_heads that contradict the key width are refused, naming both', async () => {
    const run = await inspect(withEditedNode((node) => setInt(node, 'num_heads', 8)));
    failsClearly(
      run,
      /kv_num_heads 2 × head size 8, but its key is 32 wide \(kv_num_heads does not match the weights\)/,
    );
  });

  it('an attention_bias input is refused, not ignored', async () => {
    const run = await inspect(
      withEditedNode((node) => {
        node.input = [...(node.input ?? []).slice(0, 9), '', 'attention_mask'];
      }),
    );
    failsClearly(run, /has an attention_bias input/);
  });
});
