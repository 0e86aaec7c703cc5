import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadModelFolder } from '../../../src/engine/folder/loadModelFolder';
import { ModelError } from '../../../src/engine/modelError';
import { memoryModelFiles } from '../../../src/engine/folder/modelFiles';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { urlModelFiles } from '../../../src/engine/folder/urlModelFiles';
import { FIXTURES } from './fixtureRuntime';

const DIR = join(FIXTURES, 'decoder-noattn');

describe('ModelFiles', () => {
  it('nodeModelFiles reads a file and gives undefined for a missing one', async () => {
    const files = nodeModelFiles(DIR);
    assert.equal(files.label, DIR);
    assert.deepEqual(
      Buffer.from((await files.read('manifest.json'))!),
      await readFile(join(DIR, 'manifest.json')),
    );
    assert.equal(await files.read('MODEL_CARD.md'), undefined);
  });

  it('memoryModelFiles loads the same folder as the disk', async () => {
    const names = await readdir(DIR);
    const contents = Object.fromEntries(
      await Promise.all(
        names.map(async (n) => [n, new Uint8Array(await readFile(join(DIR, n)))] as const),
      ),
    );
    const fromMemory = await loadModelFolder(memoryModelFiles('dropped', contents));
    const fromDisk = await loadModelFolder(nodeModelFiles(DIR));
    assert.equal(fromMemory.label, 'dropped');
    assert.deepEqual(fromMemory.onnxBytes, fromDisk.onnxBytes);
    assert.deepEqual(fromMemory.attentionOutputs, fromDisk.attentionOutputs);
    assert.equal(await memoryModelFiles('m', contents).read('toString'), undefined);
  });

  describe('urlModelFiles against a local HTTP server', () => {
    let server: Server;
    let base: string;
    before(async () => {
      server = createServer(async (request, response) => {
        const name = decodeURIComponent((request.url ?? '').replace(/^\/models\/noattn\//, ''));
        if (name === 'secret.json') return void response.writeHead(403).end();
        const body = await readFile(join(DIR, name)).catch(() => undefined);
        response.writeHead(body ? 200 : 404).end(body);
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/noattn/`;
    });
    after(() => {
      server.closeAllConnections();
      return new Promise<void>((done) => server.close(() => done()));
    });

    it('loads a model folder over HTTP', async () => {
      const folder = await loadModelFolder(urlModelFiles(base));
      assert.equal(folder.label, base.slice(0, -1));
      assert.equal(folder.attentionOutputs.length, 2);
    });

    it('reads 404 as missing and other statuses as errors naming the file', async () => {
      const files = urlModelFiles(base);
      assert.equal(await files.read('MODEL_CARD.md'), undefined);
      await assert.rejects(
        files.read('secret.json'),
        (e: unknown) =>
          e instanceof ModelError &&
          e.problem === 'unreadableFile' &&
          e.message.includes('secret.json: cannot be fetched (HTTP 403)'),
      );
    });
  });
});
