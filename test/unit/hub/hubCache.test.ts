import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadModelFolder } from '../../../src/engine/folder/loadModelFolder';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { hubCacheDir, listCachedModels, type HubCacheListing } from '../../../src/hub/hubCache';
import { findCachedModel, parseModelName } from '../../../src/hub/cachedModelName';
import { buildFixtureCache, COMMITS, type FixtureCache } from './fixtureCache';

describe('the Hugging Face cache listing', () => {
  let cache: FixtureCache;
  let listing: HubCacheListing;
  before(async () => {
    cache = buildFixtureCache();
    listing = await listCachedModels(cache.dir);
  });
  after(() => rmSync(dirname(cache.dir), { recursive: true, force: true }));

  const model = (repo: string, commit: string) =>
    listing.models.find((m) => m.repo === repo && m.commit === commit);
  const skipped = (repo: string) => listing.skipped.find((s) => s.repo === repo);

  it('lists both revisions of a repository, main first, each with its family and variants', () => {
    const revisions = listing.models.filter((m) => m.repo === 'test/gpt2');
    assert.deepEqual(
      revisions.map((m) => [m.commit, m.refs]),
      [
        [COMMITS.gpt2Main, ['main']],
        [COMMITS.gpt2Old, ['v1']],
      ],
    );
    const main = model('test/gpt2', COMMITS.gpt2Main);
    assert.equal(main?.family, 'gpt2');
    assert.equal(main?.architecture, 'decoder');
    assert.equal(main?.layers, 2);
    assert.deepEqual(main?.variants, ['fp32']);
    assert.equal(main?.dir, join(cache.dir, 'models--test--gpt2', 'snapshots', COMMITS.gpt2Main));
  });

  it('reads graphs under onnx/ (the scanner of @huggingface/hub skips subfolders) and pairs encoder-decoder variants', () => {
    const t5 = model('test/t5-small-tiny', COMMITS.t5);
    assert.equal(t5?.architecture, 'encoder-decoder');
    assert.equal(t5?.family, 't5');
    assert.deepEqual(t5?.variants, ['fp32', 'fp16']);
    assert.ok((t5?.bytes ?? 0) > 1_000_000, `bytes ${t5?.bytes} should count onnx/*.onnx`);
    assert.deepEqual(model('test/gpt2', COMMITS.gpt2Old)?.variants, ['fp32']);
  });

  it('counts the bytes of the blobs the snapshot links to', () => {
    // gpt2's fixture folder is ~290 KB; the links themselves are a few bytes each.
    const bytes = model('test/gpt2', COMMITS.gpt2Main)?.bytes ?? 0;
    assert.ok(bytes > 250_000 && bytes < 400_000, `bytes ${bytes}`);
  });

  it('skips a repository without an ONNX graph, saying so', () => {
    assert.match(skipped('test/no-onnx')?.reason ?? '', /no ONNX graph/);
    assert.equal(model('test/no-onnx', COMMITS.noOnnx), undefined);
  });

  it('skips a partial download, naming the .incomplete blob', () => {
    const reason = skipped('test/partial')?.reason ?? '';
    assert.match(reason, /no ONNX graph/);
    assert.match(reason, /download incomplete: [0-9a-f]{64}\.incomplete/);
  });

  it('refuses a snapshot that links outside the cache, without naming the target', () => {
    const reason = skipped('test/escape')?.reason ?? '';
    assert.match(reason, /tokenizer\.json is a symbolic link to a file outside the cache/);
    assert.doesNotMatch(reason, /secret/);
    assert.equal(model('test/escape', COMMITS.escape), undefined);
  });

  it('lists a repository downloaded by commit only, with a broken link (the library refuses both)', () => {
    const byCommit = model('test/by-commit', COMMITS.byCommit);
    assert.equal(byCommit?.family, 'distilbert');
    assert.deepEqual(byCommit?.refs, []);
  });

  it('gives snapshot folders the loader opens through their links, and refuses the escaping one', async () => {
    for (const listed of listing.models.filter((m) => m.architecture !== 'encoder-decoder')) {
      const loaded = await loadModelFolder(nodeModelFiles(listed.dir));
      assert.ok(loaded.attentionOutputs.length > 0, listed.repo);
      assert.equal(loaded.manifest.id, `${listed.repo}@${listed.commit.slice(0, 7)}`);
    }
    const escaping = join(cache.dir, 'models--test--escape', 'snapshots', COMMITS.escape);
    await assert.rejects(loadModelFolder(nodeModelFiles(escaping)), /outside the model folder/);
  });

  it('lists nothing for a cache folder that does not exist', async () => {
    const none = await listCachedModels(join(cache.dir, 'absent'));
    assert.deepEqual([none.models, none.skipped], [[], []]);
  });

  it('finds a model by name, by branch, by tag, by commit prefix', () => {
    const find = (text: string) => {
      const name = parseModelName(text);
      assert.ok(name, text);
      const found = findCachedModel(listing, name.repo, name.revision);
      return found instanceof Error ? found.message : found.commit;
    };
    assert.equal(find('test/gpt2'), COMMITS.gpt2Main);
    assert.equal(find('test/gpt2@main'), COMMITS.gpt2Main);
    assert.equal(find('test/gpt2@v1'), COMMITS.gpt2Old);
    assert.equal(find(`test/gpt2@${COMMITS.gpt2Old.slice(0, 8)}`), COMMITS.gpt2Old);
    assert.equal(find('test/by-commit'), COMMITS.byCommit);
    assert.match(find('test/gpt2@v2'), /has main; v1 of test\/gpt2, not that revision/);
    assert.match(find('test/no-onnx'), /cannot be opened: d{7}: no ONNX graph/);
    assert.match(find('test/absent'), /is not in the Hugging Face cache/);
  });

  it('finds the cache as huggingface_hub does: HF_HUB_CACHE, else HF_HOME/hub, a leading ~ expanded', () => {
    const saved = { ...process.env };
    try {
      process.env.HF_HUB_CACHE = '/c/hub';
      process.env.HF_HOME = '/h';
      assert.equal(hubCacheDir(), '/c/hub');
      delete process.env.HF_HUB_CACHE;
      assert.equal(hubCacheDir(), join('/h', 'hub'));
      process.env.HF_HOME = '~/hf';
      assert.equal(hubCacheDir(), join(homedir(), 'hf', 'hub'));
    } finally {
      for (const key of ['HF_HUB_CACHE', 'HF_HOME']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  it('tells model names from paths', () => {
    assert.deepEqual(parseModelName('Xenova/gpt2@refs/pr/1'), {
      repo: 'Xenova/gpt2',
      revision: 'refs/pr/1',
    });
    assert.deepEqual(parseModelName('gpt2'), { repo: 'gpt2' });
    for (const path of ['./models/x', '/abs/x', '../x', 'a/b/c', '~/x', 'C:\\x'])
      assert.equal(parseModelName(path), undefined, path);
  });
});
