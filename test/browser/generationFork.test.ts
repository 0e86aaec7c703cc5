/**
 * Forking a continuation (issue 23) in real Chromium, on real continuations of the GPT-2
 * fixture: clicking an alternative among a step's candidates asks the host for a branch from
 * that token; the host's branch list (src/inspection/branchSet.ts) and the engine's forked
 * run come back as the next result: both branches are in the picker, the fork opens at its
 * step with the clicked token written there, and choosing the first branch asks for it and
 * shows it again. Each result's views ask the host for that result's own attention.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { HeldResults } from '../../src/engine/attention/heldResults';
import { holdInspection } from '../../src/engine/attention/holdInspection';
import type { InspectResult } from '../../src/engine/types';
import { BranchSet } from '../../src/inspection/branchSet';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/webview';
import { formatPercent, visibleText } from '../../webview/format';
import { launchChromium } from '../chromium';
import { ROOT, sharedEngine } from '../unit/engine/fixtures';
import { fixtureOf, heldStyle } from './fixtureResult';
import { WebviewPage } from './webviewPage';

const GPT2 = join(ROOT, 'test', 'fixtures', 'hf', 'gpt2');
const PROMPT = 'def add(a, b):';
const settings: HostToWebview & { type: 'didChangeSettings' } = {
  type: 'didChangeSettings',
  settings: { colorMap: 'viridis', topK: 3, defaultView: 'matrix' },
};

async function lastPosted<T extends WebviewToHost['type']>(
  w: WebviewPage,
  type: T,
): Promise<Extract<WebviewToHost, { type: T }> | undefined> {
  const posted = (await w.posted()).filter((m) => m.type === type);
  return posted.at(-1) as Extract<WebviewToHost, { type: T }> | undefined;
}

describe('continuation forks (Chromium)', () => {
  let browser: Browser;
  let w: WebviewPage;
  let base: InspectResult;

  before(async () => {
    browser = await launchChromium();
    base = await sharedEngine().inspect(GPT2, PROMPT, { generate: { maxNewTokens: 6 } });
  });
  after(() => browser?.close());
  beforeEach(async () => {
    w = await WebviewPage.open(browser, { theme: 'dark' });
  });
  afterEach(async () => {
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });

  /** Sends `result` as run `runId`, branch `shown` of `set`; `perRow`: its predictions asked per row. */
  const send = async (
    result: InspectResult,
    runId: number,
    set: BranchSet,
    shown: number,
    perRow: boolean,
  ) => {
    set.settle(shown, holdInspection(new HeldResults(), result));
    const full = fixtureOf(result, runId, 'add.py:1');
    const fixture = perRow ? heldStyle(full) : full;
    fixture.meta.branches = set.listFor(shown);
    await w.sendResult(fixture, settings);
  };

  for (const perRow of [false, true]) {
    it(`a click on an alternative forks; both branches are listed, selectable, and redraw the views${perRow ? ' (candidates asked per row)' : ''}`, async () => {
      const n = base.generation!.promptTokens;
      const set = new BranchSet();
      await send(base, 3, set, 0, perRow);
      const bar = w.page.locator('.generation-bar');
      assert.equal(await bar.locator('.generation-branches').isVisible(), false, 'one branch');
      await bar.locator('input[type=range]').focus();
      await w.page.keyboard.press('ArrowRight');
      await w.settle();
      // Step 2's candidates: the chosen one marked, every other one a button that forks.
      const candidates = base.predictions![n]!;
      const chosen = base.generation!.generated[1]!.id;
      const others = candidates.filter((p) => p.id !== chosen);
      assert.equal(await bar.locator('.generation-candidates button').count(), others.length);
      await bar.locator('.generation-candidates button').first().click();
      const fork = await lastPosted(w, 'fork');
      assert.deepEqual(fork, {
        type: 'fork',
        family: set.family,
        branch: 0,
        step: 2,
        id: others[0]!.id,
      });

      // The host's side: the branch it makes, and the engine's run with the forced ids.
      const target = set.fork(fork!.branch, fork!.step, fork!.id);
      assert.deepEqual(target, { index: 1, isNew: true });
      const forced = set.branches[1]!.forced;
      assert.deepEqual(forced, [base.generation!.generated[0]!.id, others[0]!.id]);
      const forked = await sharedEngine().inspect(GPT2, PROMPT, {
        generate: { maxNewTokens: 6, forced },
      });
      await send(forked, 4, set, 1, perRow);
      const picker = bar.locator('.generation-branches select');
      assert.ok(await picker.isVisible());
      assert.deepEqual(await picker.locator('option').allTextContents(), [
        '1: as written',
        `2: step 2 → ${visibleText(others[0]!.text)}`,
      ]);
      assert.equal(await picker.inputValue(), '1');
      assert.equal(await bar.locator('input[type=range]').inputValue(), '2', 'opens at its step');
      const marked = (await bar.locator('.generation-candidates .chosen').textContent()) ?? '';
      assert.equal(marked, `${visibleText(others[0]!.text)} ${formatPercent(others[0]!.prob)}`);
      assert.ok(
        w.host.callsOf('slice').some((call) => call.runId === 4),
        'the fork is drawn',
      );
      await bar.locator('input[type=range]').focus();
      await w.page.keyboard.press('ArrowRight');
      await w.settle();
      const focus = await lastPosted(w, 'focusToken');
      assert.equal(focus?.runId, 4);
      assert.equal(focus?.index, n + 2);

      // Back to the first branch: the host is asked for it, and shows it again.
      await picker.selectOption('0');
      assert.deepEqual(await lastPosted(w, 'showBranch'), {
        type: 'showBranch',
        family: set.family,
        branch: 0,
      });
      await send(base, 5, set, 0, perRow);
      assert.equal(await picker.inputValue(), '0');
      assert.equal(await bar.locator('input[type=range]').inputValue(), '1');
      assert.ok(
        w.host.callsOf('slice').some((call) => call.runId === 5),
        'redrawn',
      );
      assert.match((await bar.locator('.generation-position').textContent()) ?? '', /^1 \/ 6/);
      // Per row: each branch's candidates in one request, when its bar was built.
      const asked = w.host.callsOf('predictions').map((c) => c.runId);
      assert.deepEqual(asked, perRow ? [3, 4, 5] : []);
    });
  }

  it('a click on the chosen token leads to the branch that wrote it; no branches, no fork buttons', async () => {
    const set = new BranchSet();
    set.settle(0, holdInspection(new HeldResults(), base));
    const chosen = base.generation!.generated[3]!.id;
    assert.deepEqual(set.fork(0, 4, chosen), { index: 0, isNew: false });
    assert.equal(set.fork(0, 7, chosen), undefined, 'no step 7');
    await w.sendResult(fixtureOf(base, 6, 'add.py:1'), settings);
    const bar = w.page.locator('.generation-bar');
    assert.ok((await bar.locator('.generation-candidates li').count()) > 1);
    assert.equal(await bar.locator('.generation-candidates button').count(), 0);
  });
});
