import { strict as assert } from 'node:assert';
import type { InspectResult } from '../../../src/engine/types';
import { toFeedResult } from '../../../src/panel/webviewFeed';
import { held, result, setup, SNAPSHOT, settings, typedArraysIn } from './feedFixtures';

describe('WebviewFeed', () => {
  it('holds everything back until the webview is ready, then sends the snapshot', () => {
    const { feed, sent, types } = setup();
    feed.startRun(1, 'a.ts:1');
    feed.showResult(toFeedResult(held(), 1, 'a.ts:1'));
    assert.equal(sent.length, 0);
    feed.onReady();
    assert.deepEqual(types(), SNAPSHOT);
  });

  it('sends a result as metadata and its stacks, and keeps no attention tensor', () => {
    const { feed, sent } = setup();
    feed.onReady();
    const original = result();
    feed.showResult(toFeedResult(held(original), 7, 'a.ts:1–2'));
    assert.deepEqual(
      sent.map((m) => m.type),
      ['didChangeSettings', 'didStartResult'],
    );
    const start = sent.find((m) => m.type === 'didStartResult');
    assert.ok(start && start.type === 'didStartResult');
    assert.equal(start.meta.runId, 7);
    assert.deepEqual(start.meta.source, { label: 'a.ts:1–2' });
    assert.deepEqual(start.meta.stacks, [
      { kind: 'encoder', layers: 2, heads: 2, rows: 3, cols: 3, causal: true },
    ]);
    assert.equal('resultId' in start.meta, false, 'the engine’s handle stays on the host');
    assert.deepEqual(typedArraysIn(sent), [], 'no tensor travels');
    assert.deepEqual(typedArraysIn(feed), [], 'no tensor is kept for a replay');
  });

  it('replays the result, stale state and focus after every reload', () => {
    const { feed, sent, types } = setup();
    const clear = () => {
      sent.length = 0;
    };
    feed.onReady();
    feed.showResult(toFeedResult(held(), 2, 'x'));
    feed.focusToken(2, 1);
    feed.onUnloaded();
    feed.focusToken(2, 2); // while hidden: remembered, not sent
    clear();
    feed.onReady();
    assert.deepEqual(
      types().filter((t) => t !== 'didFocusToken'),
      SNAPSHOT,
    );
    assert.deepEqual(
      sent.find((m) => m.type === 'didFocusToken'),
      { type: 'didFocusToken', runId: 2, index: 2 },
    );
    feed.invalidate(2, 'edited');
    clear();
    feed.onUnloaded();
    feed.onReady();
    assert.ok(types().includes('didInvalidate'));
    assert.ok(!types().includes('didFocusToken'), 'a stale result has no focus');
  });

  it('shows a head of the result on show, again after a reload, and forgets it with the next result', () => {
    const { feed, sent, types } = setup();
    feed.onReady();
    feed.showResult(toFeedResult(held(), 4, 'x'));
    sent.length = 0;
    feed.showHead(3, 1, 1);
    assert.deepEqual(sent, [], 'another run');
    feed.showHead(4, 1, 0);
    assert.deepEqual(sent, [{ type: 'didShowHead', runId: 4, layer: 1, head: 0 }]);
    feed.onUnloaded();
    sent.length = 0;
    feed.onReady();
    assert.ok(types().includes('didShowHead'));
    feed.showResult(toFeedResult(held(), 5, 'y'));
    feed.onUnloaded();
    sent.length = 0;
    feed.onReady();
    assert.ok(!types().includes('didShowHead'));
  });

  it('ignores focus and invalidation for other runs, and repeated focus', () => {
    const { feed, sent } = setup();
    const clear = () => {
      sent.length = 0;
    };
    feed.onReady();
    feed.showResult(toFeedResult(held(), 3, 'x'));
    clear();
    feed.focusToken(2, 1);
    feed.invalidate(2, 'old run');
    feed.focusToken(3, 1);
    feed.focusToken(3, 1);
    assert.deepEqual(sent, [{ type: 'didFocusToken', runId: 3, index: 1 }]);
    assert.equal(feed.state.focusedToken, 1);
  });

  it('keeps a run in progress and a failure across reloads, over the earlier result', () => {
    const { feed, sent, types } = setup();
    feed.showResult(toFeedResult(held(), 1, 'x'));
    feed.startRun(2, 'y');
    feed.onReady();
    assert.deepEqual(types().slice(-1), ['didStartRun']);
    feed.fail(2, 'Inspection cancelled.');
    sent.length = 0;
    feed.onUnloaded();
    feed.onReady();
    assert.deepEqual(sent.at(-1), { type: 'didFail', runId: 2, message: 'Inspection cancelled.' });
    assert.equal(feed.state.resultRunId, 1);
    assert.equal(feed.state.runningRunId, undefined);
  });

  it('does not let a late failure of an older run end a newer one', () => {
    const { feed } = setup();
    feed.startRun(1, 'x');
    feed.startRun(2, 'x');
    feed.fail(1, 'superseded');
    assert.equal(feed.state.runningRunId, 2);
    assert.equal(feed.state.failure, undefined);
  });

  it('sends settings changes', () => {
    const { feed, sent } = setup();
    feed.onReady();
    feed.setSettings({ ...settings, colorMap: 'magma' });
    assert.deepEqual(sent.at(-1), {
      type: 'didChangeSettings',
      settings: { ...settings, colorMap: 'magma' },
    });
  });
});

describe('toFeedResult', () => {
  it('sends only the inspected part of a cut text to the webview', () => {
    const text = 'abc def '.repeat(1000);
    const result = {
      model: {} as InspectResult['model'],
      text,
      tokens: [{ id: 1, text: 'abc', start: 0, end: 3, special: false }],
      attentions: [],
      truncation: { totalTokens: null, inspectedTokens: 1, inspectedUpTo: 3, reason: 'cut.' },
      timings: { tokenizeMs: 0, inferenceMs: 0, totalMs: 0 },
    } as InspectResult;
    assert.equal(toFeedResult(held(result), 1, 'x').meta.text, 'abc');
    assert.equal(toFeedResult(held({ ...result, truncation: undefined }), 1, 'x').meta.text, text);
  });

  it('sends an encoder-decoder result as its three stacks, tensors out of the metadata', () => {
    const encoder = result();
    const decoder = Float32Array.from([1, 0, 0.5, 0.5]); // 1 head, T = 2
    const cross = Float32Array.from([0.2, 0.3, 0.5, 0.6, 0.4, 0]); // 1 head, T = 2, S = 3
    const seq2seq = {
      target: { kind: 'given' as const, text: 'x' },
      decoderTokens: [
        { id: 5, text: '<pad>', special: true },
        { id: 6, text: '▁x', special: false },
      ],
      decoderLayers: 1,
      decoderHeads: 1,
      decoderAttentions: [decoder],
      crossAttentions: [cross],
    };
    const { feed, sent } = setup();
    feed.onReady();
    feed.showResult(toFeedResult(held({ ...encoder, seq2seq }), 4, 'a.ts:1'));
    const start = sent.find((m) => m.type === 'didStartResult');
    assert.ok(start && start.type === 'didStartResult');
    assert.deepEqual(
      start.meta.seq2seq?.decoderTokens.map((t) => t.text),
      ['<pad>', '▁x'],
    );
    assert.equal('crossAttentions' in start.meta.seq2seq!, false);
    assert.equal('decoderAttentions' in start.meta.seq2seq!, false);
    assert.deepEqual(
      start.meta.stacks.map((s) => `${s.kind} ${s.layers}×${s.heads} ${s.rows}×${s.cols}`),
      ['encoder 2×2 3×3', 'decoder 1×1 2×2', 'cross 1×1 2×3'],
    );
    assert.deepEqual(typedArraysIn(sent), []);
  });
});
