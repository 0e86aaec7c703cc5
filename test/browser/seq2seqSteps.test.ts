/**
 * The Steps view on a real encoder-decoder result (opus-mt-tiny from the real engine, a given
 * target) in Chromium: it asks for the head of the attention kind on show, and shows
 * cross-attention's steps with the source tokens as keys and both checks passing.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { HeadSteps, InspectResult } from '../../src/engine/types';
import { ROOT, sharedEngine } from '../unit/engine/fixtures';
import { fixtureOf } from './fixtureResult';
import { launchChromium } from '../chromium';
import { postSteps, stepsRequests } from './stepsPage';
import { WebviewPage } from './webviewPage';

const MARIAN = join(ROOT, 'test', 'fixtures', 'hf', 'opus-mt-tiny');
const RUN_ID = 4;

describe('Steps view on an encoder-decoder result (Chromium, opus-mt-tiny)', () => {
  let browser: Browser;
  let result: InspectResult;

  before(async () => {
    [browser, result] = await Promise.all([
      launchChromium(),
      sharedEngine().inspect(MARIAN, 'Hello world!', {
        target: { kind: 'given', text: 'Die Katze' },
      }),
    ]);
  });
  after(() => browser?.close());

  it('asks for the shown kind’s head and shows cross-attention over the source tokens, checks passing', async () => {
    const w = await WebviewPage.open(browser, {
      width: 1200,
      height: 900,
      state: { v: 1, layer: 1, head: 2 },
    });
    try {
      await w.sendResult(fixtureOf(result, RUN_ID, 'story.txt:1'));
      await w.page.selectOption('.seq2seq-bar select', 'cross');
      await w.page.click('#tab-steps');
      const asked = stepsRequests(w);
      assert.deepEqual(asked.at(-1), {
        runId: RUN_ID,
        kind: 'cross',
        layer: 1,
        head: 2,
      });
      assert.match(
        (await w.page.textContent('.steps-status')) ?? '',
        /Computing the steps of cross layer 1, head 2/,
      );
      const sourceIds = result.tokens.map((t) => t.id);
      const decoderIds = result.seq2seq?.decoderTokens.map((t) => t.id) ?? [];
      const [steps] = (await sharedEngine().runSeq2SeqSteps(MARIAN, sourceIds, decoderIds, [
        { kind: 'cross', layer: 1, head: 2 },
      ])) as [HeadSteps];
      await postSteps(w, steps);
      // One score row per key: the source tokens, not the decoder's.
      assert.equal(await w.page.locator('.score-table tbody tr').count(), sourceIds.length);
      const checks = await w.page.locator('.steps-check').allTextContents();
      assert.equal(checks.length, 2);
      for (const text of checks) assert.match(text, /^✓ /);
      assert.match(
        (await w.page.textContent('h2')) ?? '',
        new RegExp(`^Cross attention · Layer 1 · head 2 · query .* #${decoderIds.length - 1}$`),
      );
      // The keys are labelled with the source tokens (the decoder's start with <pad>).
      const keyLabels = await w.page
        .locator('.score-table tbody tr > :first-child')
        .allTextContents();
      const sourceText = result.tokens.map((t) => t.text.replace('▁', ''));
      assert.ok(keyLabels[0]?.startsWith(sourceText[0]!), `first key: ${keyLabels[0]}`);
      assert.ok(keyLabels.at(-1)?.includes('</s>'), `last key: ${keyLabels.at(-1)}`);

      // The encoder's heads are other heads: switching the kind asks again.
      await w.page.selectOption('.seq2seq-bar select', 'encoder');
      await w.settle();
      assert.deepEqual(stepsRequests(w).at(-1), {
        runId: RUN_ID,
        kind: 'encoder',
        layer: 1,
        head: 2,
      });
    } finally {
      await w.close();
    }
  });
});
