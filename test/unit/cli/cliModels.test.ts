import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../engine/fixtures';
import { FakeHub } from '../hub/fakeHub';
import { buildFixtureCache, COMMITS, type FixtureCache } from '../hub/fixtureCache';
import { CLI, runCli } from './runCli';

describe('CLI and the Hugging Face cache (dist/cli.js)', function () {
  this.timeout(120_000);
  let cache: FixtureCache;
  let env: Record<string, string>;
  before(() => {
    assert.ok(existsSync(CLI), 'run `node esbuild.mjs` first (npm test does)');
    cache = buildFixtureCache();
    env = { HF_HUB_CACHE: cache.dir };
  });
  after(() => cache && rmSync(dirname(cache.dir), { recursive: true, force: true }));

  it('models lists what the cache holds that opens, then what it skipped and why', async () => {
    const run = await runCli(['models'], env);
    assert.equal(run.code, 0, run.stderr);
    const [listed, skipped] = run.stdout.split('\nSkipped:\n');
    assert.match(listed, new RegExp(`^Hugging Face cache: ${cache.dir}$`, 'm'));
    assert.match(
      listed,
      /^test\/gpt2@main {2}main · gpt2 \(decoder\) · 2 layers × 4 heads · \d+ KB · fp32$/m,
    );
    assert.match(listed, /^test\/gpt2@v1 {2}v1 · gpt2 \(decoder\)/m);
    assert.match(listed, /^test\/t5-small-tiny@main .* · fp32, fp16$/m);
    assert.match(listed, /^test\/by-commit@1234567 /m);
    assert.match(skipped, /^test\/no-onnx@ddddddd: no ONNX graph/m);
    assert.match(skipped, /^test\/partial@eeeeeee: .*download incomplete/m);
    assert.match(
      skipped,
      /^test\/escape@fffffff: tokenizer\.json is a symbolic link to a file outside the cache/m,
    );
  });

  it('models with HF_HOME and no HF_HUB_CACHE: the cache is HF_HOME/hub', async () => {
    const run = await runCli(['models'], { HF_HUB_CACHE: undefined, HF_HOME: dirname(cache.dir) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Hugging Face cache: ${cache.dir}\n`));
    assert.match(run.stdout, /^test\/gpt2@main /m);
  });

  it('--model Org/Name@rev runs the cached revision', async () => {
    const [main, old] = await Promise.all([
      runCli(['--model', 'test/gpt2', '--text', 'def f(x):', '--top-k', '0'], env),
      runCli(['--model', 'test/gpt2@v1', '--text', 'def f(x):', '--top-k', '0'], env),
    ]);
    assert.equal(main.code, 0, main.stderr);
    assert.equal(old.code, 0, old.stderr);
    // A snapshot's model is named by its repository and commit, not by a bare hash.
    const idOf = (stdout: string) => JSON.parse(stdout).model.id;
    assert.equal(idOf(main.stdout), `test/gpt2@${COMMITS.gpt2Main.slice(0, 7)}`);
    assert.equal(idOf(old.stdout), `test/gpt2@${COMMITS.gpt2Old.slice(0, 7)}`);
  });

  it('--model names what the cache lacks, and a folder that exists still wins', async () => {
    const missing = await runCli(['--model', 'test/no-onnx', '--text', 'x'], env);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /^error: test\/no-onnx is in the Hugging Face cache but cannot be opened: ddddddd: no ONNX graph/,
    );
    const absent = await runCli(['--model', 'test/gpt2@v9', '--text', 'x'], env);
    assert.match(absent.stderr, /has main; v1 of test\/gpt2, not that revision/);
    // test/fixtures/hf/gpt2 exists relative to the repository root: the folder, not the cache.
    const folder = await runCli(
      ['--model', 'test/fixtures/hf/gpt2', '--text', 'x', '--top-k', '0'],
      env,
    );
    assert.equal(folder.code, 0, folder.stderr);
    assert.doesNotMatch(folder.stdout, /snapshots/);
  });
});

describe('CLI --model ORG/NAME --download (loopback Hub via HF_ENDPOINT)', function () {
  this.timeout(120_000);
  let hub: FakeHub;
  let cacheDir: string;
  before(async () => {
    const gpt2 = join(ROOT, 'test', 'fixtures', 'hf', 'gpt2');
    const files = Object.fromEntries(
      readdirSync(gpt2).map((f) => [f, readFileSync(join(gpt2, f))]),
    );
    hub = new FakeHub({ 'acme/gpt2': { files } });
    await hub.start();
    cacheDir = mkdtempSync(join(tmpdir(), 'hf-cli-download-'));
  });
  after(async () => {
    await hub.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('fetches a model the cache lacks into it, then runs it from there without the Hub', async () => {
    const env = { HF_HUB_CACHE: cacheDir, HF_ENDPOINT: hub.endpoint, HF_TOKEN: undefined };
    const args = ['--model', 'acme/gpt2', '--text', 'def f(x):', '--top-k', '0'];
    const without = await runCli(args, env);
    assert.equal(without.code, 1);
    assert.match(without.stderr, /acme\/gpt2 is not in the Hugging Face cache/);
    const first = await runCli([...args, '--download'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^download: .* · model\.onnx$/m);
    const commit = readFileSync(join(cacheDir, 'models--acme--gpt2', 'refs', 'main'), 'utf8');
    assert.equal(JSON.parse(first.stdout).model.id, `acme/gpt2@${commit.slice(0, 7)}`);
    const requests = hub.byteRequests.length;
    const again = await runCli(args, { ...env, HF_ENDPOINT: 'http://127.0.0.1:9' });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, first.stdout);
    assert.equal(hub.byteRequests.length, requests);
  });
});
