import assert from 'node:assert/strict';
import * as path from 'node:path';
import { contentRangeStart } from '../../../src/hub/downloadFile';
import { answerError } from '../../../src/hub/hubError';
import {
  hubEndpoint,
  hubToken,
  normalizeRepoId,
  repoFolder,
  repoIdProblem,
  resolveUrl,
} from '../../../src/hub/hubRepo';
import { formatBytes, percentDone, progressMessage } from '../../../src/hub/progressText';

describe('Hub repositories and URLs', () => {
  it('takes the Hub from HF_ENDPOINT, as huggingface_hub does, and refuses what is not http(s)', () => {
    assert.equal(hubEndpoint({}), 'https://huggingface.co');
    assert.equal(hubEndpoint({ HF_ENDPOINT: 'http://127.0.0.1:8080/' }), 'http://127.0.0.1:8080');
    assert.equal(
      hubEndpoint({ HF_ENDPOINT: 'https://hf-mirror.com/sub/' }),
      'https://hf-mirror.com/sub',
    );
    assert.throws(() => hubEndpoint({ HF_ENDPOINT: 'file:///etc' }), /http\(s\) URL/);
    assert.throws(() => hubEndpoint({ HF_ENDPOINT: 'not a url' }), /not a URL/);
    assert.equal(hubToken({ HF_TOKEN: ' hf_x ' }), 'hf_x');
    assert.equal(hubToken({ HF_TOKEN: '' }), undefined);
  });

  it('accepts repository ids the Hub accepts, and what a user pastes from the browser', () => {
    for (const id of [
      'gpt2',
      'Xenova/gpt2',
      'onnx-community/Qwen2.5-0.5B-Instruct',
      'sentence-transformers/all-MiniLM-L6-v2',
    ])
      assert.equal(repoIdProblem(id), undefined, id);
    for (const id of ['', 'a/b/c', 'a--b/c', 'x/..', 'x/a..b', 'x/name-', '../etc', 'a b/c', 'x/'])
      assert.ok(repoIdProblem(id), id);
    assert.equal(
      normalizeRepoId(' https://huggingface.co/Xenova/gpt2/tree/main/onnx '),
      'Xenova/gpt2',
    );
    assert.equal(normalizeRepoId('https://huggingface.co/Xenova/gpt2'), 'Xenova/gpt2');
    assert.equal(normalizeRepoId('Xenova/gpt2/'), 'Xenova/gpt2');
  });

  it('builds the Hub URL layout and a flat local folder per repository', () => {
    const hub = 'https://huggingface.co';
    assert.equal(
      resolveUrl(hub, 'Xenova/gpt2', 'main', 'onnx/model q.onnx'),
      `${hub}/Xenova/gpt2/resolve/main/onnx/model%20q.onnx`,
    );
    assert.equal(repoFolder('/store', 'Xenova/gpt2'), path.join('/store', 'Xenova--gpt2'));
  });

  it('reads the start of a Content-Range', () => {
    assert.equal(contentRangeStart('bytes 70000-199999/200000'), 70_000);
    assert.equal(contentRangeStart('bytes */200000'), undefined);
    assert.equal(contentRangeStart(null), undefined);
  });

  it('maps the Hub error headers to problems', () => {
    const page = 'https://huggingface.co/x/y';
    const as = (status: number, errorCode: string | null) =>
      answerError({ status, errorCode, errorMessage: null }, 'x/y', page).problem;
    assert.equal(as(401, 'GatedRepo'), 'gated');
    assert.equal(as(403, 'GatedRepo'), 'gated');
    assert.equal(as(401, 'RepoNotFound'), 'notFound');
    assert.equal(as(401, null), 'notFound');
    assert.equal(as(404, null), 'notFound');
    assert.equal(as(403, null), 'unauthorized');
    assert.equal(as(500, null), 'httpStatus');
  });

  it('words the progress bar', () => {
    assert.equal(formatBytes(17), '17 bytes');
    assert.equal(formatBytes(4_000), '4 KB');
    assert.equal(formatBytes(1_500_000), '1.4 MB');
    assert.equal(formatBytes(2_000_000_000), '1.86 GB');
    assert.equal(progressMessage({ doneBytes: 0, totalBytes: 0 }), 'Reading the list of files…');
    assert.equal(
      progressMessage({ file: 'onnx/model.onnx', doneBytes: 1 << 20, totalBytes: 4 << 20 }),
      '1.0 MB of 4.0 MB · onnx/model.onnx',
    );
    assert.equal(percentDone({ doneBytes: 999, totalBytes: 1000 }), 99);
    assert.equal(percentDone({ doneBytes: 0, totalBytes: 0 }), 0);
  });
});
