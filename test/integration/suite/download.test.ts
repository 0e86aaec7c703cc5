import { strict as assert } from 'node:assert';
import { readFileSync, rmSync } from 'node:fs';
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

  before(async () => {
    hub = new FakeHub({ 'acme/tiny': { files: FILES } });
    await hub.start();
  });

  after(async () => {
    if (endpointBefore === undefined) delete process.env.HF_ENDPOINT;
    else process.env.HF_ENDPOINT = endpointBefore;
    await hub.close();
  });

  it('downloads the chosen files into the global storage and returns the folder', async () => {
    // The extension host is one process: the command reads HF_ENDPOINT when it runs.
    process.env.HF_ENDPOINT = hub.endpoint;
    const folder = await vscode.commands.executeCommand<string | undefined>(
      'attentionInspector.downloadModel',
      'acme/tiny',
    );
    assert.ok(folder, 'the command returned the model folder');
    try {
      assert.match(folder, /[\\/]hub[\\/]acme--tiny$/);
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
