/**
 * What users feel: Ctrl+Alt+A on a selection of a Python file → the panel showing that
 * selection's result, in a real VS Code (code-server + headless Chromium, the packaged
 * extension), cold (first run in a new window) and warm, at ~200 and ~500 tokens, split into
 * stages from the timestamps each run carries (src/protocol/webview.ts `RunTrace`, engine
 * `timings`, the webview's `DrawnRecord`). Figures, not assertions: it rewrites the
 * first-view section of docs/performance.md and prints it.
 *
 *   npx tsx test/e2e/bench/firstViewBench.ts [--sessions N] [--warm N] [--no-write]
 *       [--baseline OTHER.vsix] [--wire] [--model DIR] [--sizes 512,2048]
 * `--model DIR` inspects with that model folder (the `attentionInspector.model` setting; any
 * folder the extension opens, e.g. a Hugging Face export) instead of the bundled one, and
 * `--sizes` sets the token counts (the cold run takes the first): its table goes to its own
 * section of docs/performance.md, named after the folder.
 * `--wire` also records the workbench's WebSocket frames (test/e2e/bench/wireLog.ts); DevTools
 * then copies every frame to this process, which slows the layers stage a little.
 * Packages the extension first (npm run package) unless E2E_VSIX names a .vsix. With
 * `--baseline`, each new window is opened once with that build and once with this one, in
 * turn, so both are measured under the same load; both tables are written.
 * The cold keypress comes as soon as the file is open and the lines selected (~3 s after the
 * workbench loaded on this machine; printed per session); `--cold-after MS` holds it until MS
 * after the workbench loaded (a prewarmed engine has had its time: src/worker/enginePrewarm.ts),
 * `--no-prewarm` turns the prewarm off (the setting attentionInspector.prewarm).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Frame } from 'playwright-core';
import { createTokenizer } from '../../../src/engine/tokenize/createTokenizer';
import { LONG_FILE, longSource } from '../harness/longSource';
import { repoRoot } from '../harness/paths';
import { startSession, type Session } from '../harness/session';
import type { DrawnRecord } from '../../../src/protocol/webview';
import { markdownSection, sampleLine, type Sample } from './firstViewReport';
import { WireLog } from './wireLog';

const FILE = LONG_FILE;
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    sizes: { type: 'string', default: '200,500' },
    sessions: { type: 'string', default: '1' },
    warm: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
    wire: { type: 'boolean', default: false },
    baseline: { type: 'string' },
    'cold-after': { type: 'string' },
    'no-prewarm': { type: 'boolean', default: false },
  },
});
const SIZES = values.sizes.split(',').map(Number);
/** The model folder the runs use (the bundled one unless `--model`). */
const MODEL = resolve(values.model ?? join(repoRoot, 'models/mini-code-gpt'));
/** A cold run of a big model at 2,048 tokens loads and runs for a while on a laptop. */
const DRAWN_WITHIN_MS = values.model ? 600_000 : 120_000;

/** Line ranges (1-based, inclusive) of long.py holding about `target` tokens, all different. */
async function lineRanges(
  target: number,
  count: number,
  skip: number,
): Promise<[number, number][]> {
  const tokenizer = createTokenizer(
    JSON.parse(readFileSync(join(MODEL, 'tokenizer.json'), 'utf8')),
  );
  const lines = longSource().split('\n');
  const ranges: [number, number][] = [];
  for (let from = 1 + skip; ranges.length < count && from < lines.length; from += 7) {
    if (lines[from - 1].trim() === '') continue;
    for (let to = from; to <= lines.length; to++) {
      const tokens = tokenizer.tokenize(lines.slice(from - 1, to).join('\n')).length;
      if (tokens >= target) {
        ranges.push([from, to]);
        break;
      }
    }
  }
  return ranges;
}

/** Presses Ctrl+Alt+A on lines `range` and waits until the webview marks a newer run drawn. */
async function inspect(
  session: Session,
  range: [number, number],
  after: number,
): Promise<Pick<Sample, 'keyAt' | 'record'>> {
  const { wb } = session;
  await wb.selectLines(range[0], range[1]);
  // Let the workbench settle after the selection's keystrokes: the keypress is measured alone.
  await wb.page.waitForTimeout(1500);
  await wb.page.evaluate(() => ((globalThis as { keyAt?: number }).keyAt = 0));
  await wb.page.keyboard.press('Control+Alt+A');
  const deadline = Date.now() + DRAWN_WITHIN_MS;
  for (;;) {
    for (const frame of wb.page.frames()) {
      const record = await drawnRecord(frame);
      if (record && record.runId > after) {
        const keyAt = await wb.page.evaluate(() => (globalThis as { keyAt?: number }).keyAt ?? 0);
        return { keyAt, record };
      }
    }
    if (Date.now() > deadline)
      throw new Error(`lines ${range.join('–')}: no view drawn in ${DRAWN_WITHIN_MS / 1000} s`);
    await wb.page.waitForTimeout(100);
  }
}

async function drawnRecord(frame: Frame): Promise<DrawnRecord | undefined> {
  const json = await frame.evaluate(() => document.body?.dataset.firstView).catch(() => undefined);
  return json ? (JSON.parse(json) as DrawnRecord) : undefined;
}

/** The user settings of every window: the model, when not the bundled one. */
const settings = {
  ...(values.model ? { 'attentionInspector.model': MODEL } : {}),
  ...(values['no-prewarm'] ? { 'attentionInspector.prewarm': false } : {}),
};

/** One new window: a cold run at `coldSize`, then `warm` runs at each size. */
async function oneSession(coldSize: number, warm: number, index: number): Promise<Sample[]> {
  let session: Session;
  let wire = new WireLog();
  try {
    session = await startSession('dark', [], (page) => values.wire && wire.watch(page), settings);
  } catch (error) {
    // A machine too busy to load the workbench in time: try once more.
    console.error(`session ${index} did not start (${String(error).split('\n')[0]}); again`);
    wire = new WireLog();
    session = await startSession('dark', [], (page) => values.wire && wire.watch(page), settings);
  }
  const loadedAt = Date.now();
  const samples: Sample[] = [];
  try {
    const { wb } = session;
    // The keydown's own timestamp is the keypress; captured before VS Code handles it.
    await wb.page.evaluate(() =>
      window.addEventListener(
        'keydown',
        (e) => {
          if (e.ctrlKey && e.altKey && e.key.toLowerCase() === 'a')
            (globalThis as { keyAt?: number }).keyAt = performance.timeOrigin + e.timeStamp;
        },
        true,
      ),
    );
    // Quick open can miss a file while a busy machine is still indexing the workspace.
    for (let attempt = 1; ; attempt++) {
      const opened = await wb.openFile(FILE).then(
        () => true,
        () => false,
      );
      if (opened) break;
      if (attempt === 4) throw new Error(`quick open did not find ${FILE}`);
      await wb.page.keyboard.press('Escape');
    }
    await wb.runCommand('View: Close Primary Side Bar');
    const [cold] = await lineRanges(coldSize, 1, index * 3);
    const take = (sample: Sample): void => {
      const postedAt = sample.record.trace?.postedAt;
      if (values.wire && postedAt !== undefined)
        sample.wire = wire.between(postedAt, sample.record.lastLayerAt);
      console.error(`${process.env.E2E_VSIX}: ${sampleLine(sample)}`);
      if (values.wire && postedAt !== undefined) {
        for (const line of wire.largeFrames(postedAt, sample.record.lastLayerAt)) {
          console.error(`  frame ${line}`);
        }
      }
      samples.push(sample);
    };
    const coldAfter = Number(values['cold-after'] ?? 0);
    await wb.page.waitForTimeout(Math.max(0, loadedAt + coldAfter - 1500 - Date.now()));
    let last = await inspect(session, cold, 0);
    console.error(
      `cold keypress ${Math.round(last.keyAt - loadedAt)} ms after the workbench loaded`,
    );
    take({ ...last, kind: 'cold', size: coldSize });
    for (const size of SIZES) {
      for (const range of await lineRanges(size, warm, 40 + index * 3)) {
        last = await inspect(session, range, last.record.runId);
        take({ ...last, kind: 'warm', size });
      }
    }
  } catch (error) {
    // A run that never drew (a machine too busy) loses that session's remaining runs only.
    console.error(`session ${index}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await session.close();
  }
  return samples;
}

async function main(): Promise<void> {
  if (!process.env.E2E_VSIX) {
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: 'inherit' });
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    process.env.E2E_VSIX = join(repoRoot, `${pkg.name}-${pkg.version}.vsix`);
  }
  const builds: [string, string][] = [['this build', process.env.E2E_VSIX]];
  if (values.baseline) builds.unshift(['baseline', resolve(values.baseline)]);
  const samples: Sample[] = [];
  for (let s = 0; s < Number(values.sessions); s++) {
    for (const [build, vsix] of builds) {
      process.env.E2E_VSIX = vsix;
      const got = await oneSession(SIZES[0], Number(values.warm), s);
      samples.push(...got.map((sample) => ({ ...sample, build })));
    }
  }
  mkdirSync(join(repoRoot, '.cache'), { recursive: true });
  writeFileSync(join(repoRoot, '.cache/first-view-samples.json'), JSON.stringify(samples, null, 1));
  const model = values.model ? basename(MODEL) : undefined;
  const section = markdownSection(samples, new Date(), loadavg()[0], model);
  console.log(section);
  if (values['no-write']) return;
  const doc = join(repoRoot, 'docs/performance.md');
  const text = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  const marker = model ? `first-view-${model}` : 'first-view';
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const block = `${start}\n${section}\n${end}`;
  const at = text.indexOf(start);
  writeFileSync(
    doc,
    at >= 0
      ? text.slice(0, at) + block + text.slice(text.indexOf(end) + end.length)
      : `${text}\n${block}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
