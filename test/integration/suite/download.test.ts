import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closedPort, FakeHub, pseudoRandomBytes } from '../../unit/hub/fakeHub';

const FILES = {
  'config.json': Buffer.from('{"model_type":"gpt2"}'),
  'tokenizer.json': Buffer.from('{"version":"1.0"}'),
  'onnx/model.onnx': pseudoRandomBytes(100_000, 11),
  'onnx/model_quantized.onnx': pseudoRandomBytes(30_000, 12),
};

describe('Download Model from Hugging Face (loopback Hub via HF_ENDPOINT)', () => {
  let hub: FakeHub;
  const endpointBefore = process.env.HF_ENDPOINT;
  const cacheBefore = process.env.HF_HUB_CACHE;
  // Downloads go to the Hugging Face cache: a temp one, not the machine's.
  const cache = mkdtempSync(join(tmpdir(), 'hf-hub-cache-'));

  before(async () => {
    hub = new FakeHub({ 'acme/tiny': { files: FILES } });
    await hub.start();
  });

  after(async () => {
    if (endpointBefore === undefined) delete process.env.HF_ENDPOINT;
    else process.env.HF_ENDPOINT = endpointBefore;
    if (cacheBefore === undefined) delete process.env.HF_HUB_CACHE;
    else process.env.HF_HUB_CACHE = cacheBefore;
    rmSync(cache, { recursive: true, force: true });
    await hub.close();
  });

  it('downloads the chosen files into the Hugging Face cache and returns the snapshot folder', async () => {
    // The extension host is one process: the command reads HF_ENDPOINT and HF_HUB_CACHE when it runs.
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.HF_HUB_CACHE = cache;
    const folder = await vscode.commands.executeCommand<string | undefined>(
      'attentionInspector.downloadModel',
      'acme/tiny',
    );
    assert.ok(folder, 'the command returned the model folder');
    try {
      assert.match(folder, /[\\/]models--acme--tiny[\\/]snapshots[\\/][0-9a-f]{40}$/);
      assert.ok(folder.startsWith(cache), folder);
      for (const name of ['config.json', 'tokenizer.json', 'onnx/model.onnx'])
        assert.ok(readFileSync(join(folder, name)).equals(FILES[name as keyof typeof FILES]), name);
      assert.equal(
        hub.byteRequests.filter((r) => r.path === 'onnx/model_quantized.onnx').length,
        0,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('ends in a message, not an exception, when the Hub cannot be reached', async () => {
    process.env.HF_ENDPOINT = `http://127.0.0.1:${await closedPort()}`;
    const folder = await vscode.commands.executeCommand(
      'attentionInspector.downloadModel',
      'acme/tiny',
    );
    assert.equal(folder, undefined);
  });
});
