/**
 * The prewarm (src/worker/enginePrewarm.ts) with the engine process the extension starts
 * (dist/engine.process.js through EngineHost) and the bundled model: it starts the engine and
 * loads the model before any request; one that fails says so only in the log, and the first
 * command then starts a fresh engine; with the setting off nothing starts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_MODEL } from '../../../src/util/modelLocation';
import { DEFAULT_CONFIG, readConfig } from '../../../src/util/config';
import { EngineHost } from '../../../src/worker/engineHost';
import { EnginePrewarm } from '../../../src/worker/enginePrewarm';
import { ROOT } from '../engine/fixtures';

const MODEL = join(ROOT, BUNDLED_MODEL);
const TEXT = 'def mean(values):\n    return sum(values) / len(values)\n';

/** A prewarm of `host` that records its log and whether it asked for the engine. */
function prewarmOf(host: EngineHost, model: string | undefined = MODEL) {
  const lines: string[] = [];
  let asked = 0;
  const prewarm = new EnginePrewarm({
    engine: () => {
      asked++;
      return host.engine;
    },
    restart: () => host.restart(),
    warmModel: () => (model ? { modelDir: model } : undefined),
    log: (line) => lines.push(line),
  });
  return { prewarm, lines, asked: () => asked };
}

describe('the engine prewarm (real engine process, bundled model)', function () {
  this.timeout(120_000);
  const hosts: EngineHost[] = [];
  const dirs: string[] = [];
  const hostAt = (extensionPath: string): EngineHost => {
    const host = new EngineHost(extensionPath, () => 1);
    hosts.push(host);
    return host;
  };

  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((host) => host.dispose()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('starts the engine and loads the model ahead: the first inspection loads nothing', async () => {
    const host = hostAt(ROOT);
    const { prewarm, lines } = prewarmOf(host);
    prewarm.atStartup(true, 0);
    for (let waited = 0; !lines.some((l) => /engine ready/.test(l)); waited += 50) {
      assert.ok(waited < 60_000, `no prewarm within a minute: ${lines.join('; ')}`);
      await new Promise((done) => setTimeout(done, 50));
    }
    assert.match(lines.join('\n'), /^prewarm: engine ready with the bundled model in \d+ ms$/);
    const result = await host.engine.inspectHeld({ modelDir: MODEL, text: TEXT }).result;
    assert.ok(result.tokens.length > 5);
    assert.ok(
      (result.timings.loadMs ?? 0) < 20,
      `the model was loaded again: ${result.timings.loadMs} ms`,
    );
  });

  it('without the prewarm the first inspection loads the model (what the test above saves)', async () => {
    const host = hostAt(ROOT);
    const result = await host.engine.inspectHeld({ modelDir: MODEL, text: TEXT }).result;
    assert.ok((result.timings.loadMs ?? 0) >= 20, `load ${result.timings.loadMs} ms`);
  });

  it('a prewarm that fails is only logged, and the first command starts a fresh engine', async () => {
    // An extension folder without its dist/ yet: the engine process cannot start.
    const dir = mkdtempSync(join(tmpdir(), 'prewarm-'));
    dirs.push(dir);
    const host = hostAt(dir);
    const { prewarm, lines } = prewarmOf(host);
    await prewarm.warm();
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(
      lines[0] ?? '',
      /^prewarm: the engine did not start \(.+\); the next command starts it$/,
    );
    // The build is there now: the command's engine starts as if no prewarm had been tried.
    symlinkSync(join(ROOT, 'dist'), join(dir, 'dist'));
    prewarm.commandStarting();
    const result = await host.engine.inspectHeld({ modelDir: MODEL, text: TEXT }).result;
    assert.ok(result.tokens.length > 5);
  });

  it('a command before the prewarm is due starts the engine itself; the prewarm then stays away', async () => {
    const host = hostAt(ROOT);
    const { prewarm, lines, asked } = prewarmOf(host);
    prewarm.atStartup(true, 300);
    prewarm.commandStarting();
    await host.engine.inspectHeld({ modelDir: MODEL, text: TEXT }).result;
    await new Promise((done) => setTimeout(done, 500));
    assert.equal(asked(), 0);
    assert.deepEqual(lines, []);
  });

  it('is on by default; the setting turns it off and then nothing starts', async () => {
    assert.equal(DEFAULT_CONFIG.prewarm, true);
    assert.equal(readConfig({ get: () => undefined }).prewarm, true);
    const off = readConfig({
      get: <T>(key: string) => (key === 'prewarm' ? false : undefined) as T,
    });
    assert.equal(off.prewarm, false);
    const host = hostAt(ROOT);
    const { prewarm, asked } = prewarmOf(host);
    prewarm.atStartup(off.prewarm, 0);
    await new Promise((done) => setTimeout(done, 300));
    assert.equal(asked(), 0);
  });
});
