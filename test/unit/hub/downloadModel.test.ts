import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { DownloadProgress } from '../../../src/hub/downloadModel';
import { CHOSEN, GPT2_FILES, GRAPH, useLoopbackHub } from './loopbackHub';

describe('Hub download (loopback Hub)', function () {
  this.timeout(20_000);
  const loop = useLoopbackHub();

  it('fetches only the files a model folder needs, verified, through both kinds of redirect', async () => {
    const progress: DownloadProgress[] = [];
    const result = await loop.download('Xenova/tiny-gpt2', {
      token: 'hf_secret',
      onProgress: (p) => progress.push(p),
    });
    assert.equal(result.folder, path.join(loop.root, 'Xenova--tiny-gpt2'));
    assert.equal(result.graph.path, GRAPH);
    assert.deepEqual(await loop.filesUnder(result.folder), CHOSEN);
    for (const name of CHOSEN)
      assert.ok(
        (await fs.readFile(path.join(result.folder, name))).equals(
          GPT2_FILES[name as keyof typeof GPT2_FILES],
        ),
        name,
      );
    const total = CHOSEN.reduce((n, f) => n + GPT2_FILES[f as keyof typeof GPT2_FILES].length, 0);
    assert.equal(result.totalBytes, total);
    assert.equal(result.fetchedBytes, total);
    assert.deepEqual(progress.at(-1), { file: GRAPH, doneBytes: total, totalBytes: total });
    for (let i = 1; i < progress.length; i++)
      assert.ok(progress[i].doneBytes >= progress[i - 1].doneBytes, 'progress never goes back');
    // Small files came from the Hub origin (relative redirect), the graph from the CDN origin:
    // the token went to the Hub on every request and never to the CDN.
    const graphRequest = loop.hub.byteRequests.find((r) => r.path === GRAPH);
    assert.equal(graphRequest?.authorization, undefined);
    assert.equal(
      loop.hub.byteRequests.find((r) => r.path === 'config.json')?.authorization,
      'Bearer hf_secret',
    );
    assert.ok(loop.hub.hubAuthorizations.every((a) => a === 'Bearer hf_secret'));
    // The file list came in pages (3 entries each): the last file listed was still found.
    assert.ok(loop.hub.hubAuthorizations.length > 10);
  });

  it('asks the Hub through @huggingface/hub: the commit of main, then every page of its tree', async () => {
    const result = await loop.download('Xenova/tiny-gpt2');
    const commit = 'c0ffee'.padEnd(40, '0');
    assert.equal(result.commit, commit);
    const [info, ...pages] = loop.hub.apiRequests;
    assert.match(info, /^\/api\/models\/Xenova\/tiny-gpt2\/revision\/main\?(.+&)?expand=sha(&|$)/);
    const tree = `/api/models/Xenova/tiny-gpt2/tree/${commit}?recursive=true&expand=false`;
    // 11 entries (onnx/ and 10 files), 3 a page: the first page and three `Link: rel="next"`.
    assert.deepEqual(pages, [tree, ...[3, 6, 9].map((cursor) => `${tree}&cursor=${cursor}`)]);
  });

  it('fetches a graph with all its external-data files and none of another variant', async () => {
    const result = await loop.download('acme/external');
    assert.deepEqual(await loop.filesUnder(result.folder), [
      'config.json',
      'model.onnx',
      'model.onnx_data',
      'model.onnx_data_1',
      'tokenizer.json',
    ]);
  });

  it('asks before fetching, and fetches the variant chosen then or nothing', async () => {
    const asked: string[][] = [];
    await loop.rejectsWith(
      loop.download('Xenova/tiny-gpt2', { confirm: async () => undefined }),
      'cancelled',
    );
    assert.equal(loop.hub.byteRequests.length, 0);
    const result = await loop.download('Xenova/tiny-gpt2', {
      confirm: async (choice) => {
        asked.push(choice.graphs.map((g) => `${g.graph.path} ${g.totalBytes}`));
        return 'onnx/model_quantized.onnx';
      },
    });
    const side = CHOSEN.filter((f) => f !== GRAPH).reduce(
      (n, f) => n + GPT2_FILES[f as keyof typeof GPT2_FILES].length,
      0,
    );
    assert.deepEqual(asked, [
      [
        `${GRAPH} ${side + 200_000}`,
        `onnx/model_fp16.onnx ${side + 100_000}`,
        `onnx/model_quantized.onnx ${side + 50_000}`,
      ],
    ]);
    assert.equal(result.graph.path, 'onnx/model_quantized.onnx');
    assert.ok((await loop.filesUnder(result.folder)).includes('onnx/model_quantized.onnx'));
    assert.ok(!(await loop.filesUnder(result.folder)).includes(GRAPH));
  });

  it('a repeated download fetches nothing and re-verifies what is there', async () => {
    await loop.download('Xenova/tiny-gpt2');
    const requests = loop.hub.byteRequests.length;
    const again = await loop.download('Xenova/tiny-gpt2');
    assert.equal(again.fetchedBytes, 0);
    assert.equal(loop.hub.byteRequests.length, requests);
  });
});
