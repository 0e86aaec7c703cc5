/**
 * Export folders from every ModelFiles source (disk, memory, HTTP), and the clear messages
 * for folders the engine cannot run: fused attention, an input it cannot fill, no config.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import onnxProto from 'onnx-proto';
import { knownGraphPaths } from '../../../src/engine/folder/onnxGraphFiles';
import { loadModelFolder } from '../../../src/engine/folder/loadModelFolder';
import { ModelError, type ModelProblem } from '../../../src/engine/modelError';
import { memoryModelFiles } from '../../../src/engine/folder/modelFiles';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { urlModelFiles } from '../../../src/engine/folder/urlModelFiles';
import { FIXTURES } from './fixtureRuntime';
import { HF_FIXTURES } from './hfFixtures';

const { onnx } = onnxProto;

/** Every file of a fixture folder (top and onnx/), by folder-relative path. */
async function filesOf(name: string): Promise<Record<string, Uint8Array>> {
  const root = join(HF_FIXTURES, name);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)));
  return Object.fromEntries(
    await Promise.all(
      files.map(async (f) => [f, new Uint8Array(await readFile(join(root, f)))] as const),
    ),
  );
}

async function rejectsWith(
  files: Record<string, Uint8Array>,
  problem: ModelProblem,
  file: string,
  says: RegExp,
) {
  await assert.rejects(loadModelFolder(memoryModelFiles('/m', files)), (error: unknown) => {
    assert.ok(error instanceof ModelError, String(error));
    assert.equal(error.problem, problem);
    assert.equal(error.file, file);
    assert.match(error.message.slice(`/m/${file}: `.length), says);
    return true;
  });
}

describe('Hugging Face export folders from every source', () => {
  it('nodeModelFiles lists the top level and onnx/, regular files only', async () => {
    const listed = await nodeModelFiles(join(HF_FIXTURES, 'llama')).list([]);
    assert.deepEqual(listed.sort(), [
      'config.json',
      'generation_config.json',
      'onnx/model.onnx',
      'onnx/model_fp16.onnx',
      'onnx/model_quantized.onnx',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
  });

  it('memoryModelFiles: a dropped folder loads like the disk one', async () => {
    const fromMemory = await loadModelFolder(
      memoryModelFiles('dropped', await filesOf('gpt2-merged')),
    );
    assert.equal(fromMemory.graphFile, 'onnx/decoder_model_merged.onnx');
    assert.equal(fromMemory.attentionOutputs.length, 2);
  });

  describe('urlModelFiles against a local HTTP server', () => {
    let server: Server;
    let base: string;
    const requests: string[] = [];
    before(async () => {
      server = createServer(async (request, response) => {
        requests.push(`${request.method} ${request.url}`);
        const name = decodeURIComponent((request.url ?? '').replace(/^\/hf\//, ''));
        const body = await readFile(join(HF_FIXTURES, name)).catch(() => undefined);
        response.writeHead(body ? 200 : 404).end(request.method === 'HEAD' ? undefined : body);
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hf/`;
    });
    after(() => {
      server.closeAllConnections();
      return new Promise<void>((done) => server.close(() => done()));
    });

    it('finds the graph files with HEAD requests and loads onnx/model.onnx', async () => {
      const files = urlModelFiles(`${base}llama`);
      assert.deepEqual(await files.list(knownGraphPaths()), [
        'onnx/model.onnx',
        'onnx/model_fp16.onnx',
        'onnx/model_quantized.onnx',
      ]);
      const folder = await loadModelFolder(files);
      assert.equal(folder.graphFile, 'onnx/model.onnx');
      assert.ok(requests.includes('GET /hf/llama/onnx/model.onnx'));
      assert.ok(
        !requests.includes('GET /hf/llama/onnx/model_fp16.onnx'),
        'fetched a variant it does not run',
      );
    });

    it('loads external data over HTTP', async () => {
      const folder = await loadModelFolder(urlModelFiles(`${base}distilbert`));
      assert.deepEqual(
        folder.externalData.map((f) => [f.path, f.data.length]),
        [['model.onnx_data', 164480]],
      );
    });
  });
});

describe('Hugging Face export folders the engine cannot run: clear messages', () => {
  it('fused attention names the op, the node and how to export without it', async () => {
    const files = await filesOf('gpt2');
    // com.microsoft.Attention itself is opened up now (unfuse/attentionOp.ts); QAttention is not
    const fused = onnx.ModelProto.decode(
      await readFile(join(FIXTURES, 'broken-fused-attention', 'model.onnx')),
    );
    for (const node of fused.graph?.node ?? [])
      if (node.opType === 'Attention') node.opType = 'QAttention';
    files['model.onnx'] = onnx.ModelProto.encode(fused).finish();
    await rejectsWith(
      files,
      'fusedAttention',
      'model.onnx',
      /^computes attention inside 1 fused com\.microsoft\.QAttention node\(s\) \(first: .*\); .* Export the model without attention fusion: plain MatMul\/Softmax, e\.g\. `optimum-cli export onnx` without `--optimize`/,
    );
  });

  it('an input the engine cannot fill is named, with what it fills', async () => {
    const files = await filesOf('bert');
    const model = onnx.ModelProto.decode(files['model.onnx']);
    model.graph!.input!.push(
      onnx.ValueInfoProto.create({ name: 'pixel_values', type: { tensorType: { elemType: 1 } } }),
    );
    files['model.onnx'] = onnx.ModelProto.encode(model).finish();
    await rejectsWith(
      files,
      'missingGraphName',
      'model.onnx',
      /^needs the input "pixel_values", which the engine cannot fill \(it fills input_ids, attention_mask, token_type_ids, past_key_values\.\*, use_cache_branch, num_logits_to_keep\)\. Export the model for plain text input/,
    );
  });

  it('a folder with neither manifest.json nor config.json says what a model folder is', async () => {
    const files = await filesOf('gpt2');
    delete files['config.json'];
    await rejectsWith(
      files,
      'missingFile',
      'config.json',
      /^not found \(and there is no manifest\.json\)\. A model folder is a Hugging Face export \(config\.json, tokenizer\.json and model\.onnx or onnx\/\*\.onnx/,
    );
  });

  it('layers in config.json are checked against the attention Softmax nodes', async () => {
    const files = await filesOf('gpt2');
    files['config.json'] = new TextEncoder().encode(
      JSON.stringify({ ...JSON.parse(new TextDecoder().decode(files['config.json'])), n_layer: 3 }),
    );
    await rejectsWith(
      files,
      'attentionNotFound',
      'model.onnx',
      /^has 2 attention Softmax node\(s\), but config\.json says "n_layer": 3/,
    );
  });
});
