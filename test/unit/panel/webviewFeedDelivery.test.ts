import { strict as assert } from 'node:assert';
import { toFeedResult } from '../../../src/panel/webviewFeed';
import { result, setup, trail } from './feedFixtures';

describe('WebviewFeed delivery of large results (issue 28)', () => {
  it('keeps two layers in flight: the next one only after the webview drew one', () => {
    const { feed, sent, drawAll } = setup();
    feed.onReady();
    feed.showResult(toFeedResult(result(4), 1, 'x'));
    assert.deepEqual(trail(sent), ['start 1', '1/0', '1/1']);
    feed.onLayersTaken(1, 1);
    assert.deepEqual(trail(sent), ['start 1', '1/0', '1/1', '1/2']);
    drawAll();
    assert.deepEqual(trail(sent), ['start 1', '1/0', '1/1', '1/2', '1/3', 'finish 1']);
  });

  it('first result in delivery, second requested: the second starts at once and takes over', () => {
    const { feed, sent, drawAll } = setup();
    feed.onReady();
    feed.startRun(1, 'notes.txt:1–9');
    // The first result: 30 layers, of which the webview has drawn 2 when the second is asked.
    feed.showResult(toFeedResult(result(30), 1, 'notes.txt:1–9'));
    feed.onLayersTaken(1, 1);
    feed.onLayersTaken(1, 1);
    feed.startRun(2, 'notes.txt:3–9');
    // Said at once, not behind the 26 layers of the first result still to go.
    assert.deepEqual(trail(sent).slice(-2), ['1/3', 'run 2']);
    assert.equal(feed.state.runningRunId, 2);
    // The first keeps arriving (it is what the panel shows) until the second is ready.
    feed.onLayersTaken(1, 1);
    assert.deepEqual(trail(sent).slice(-1), ['1/4']);
    feed.showResult(toFeedResult(result(30), 2, 'notes.txt:3–9'));
    // A late word about the first result's last layer holds nothing up and sends none of it.
    feed.onLayersTaken(1, 1);
    drawAll();
    const after = trail(sent).slice(trail(sent).indexOf('start 2'));
    assert.deepEqual(after, [
      'start 2',
      ...Array.from({ length: 30 }, (_, layer) => `2/${layer}`),
      'finish 2',
    ]);
    assert.ok(!trail(sent).includes('finish 1'), 'the replaced result is not finished');
    assert.equal(feed.state.resultRunId, 2);
    assert.equal(feed.state.runningRunId, undefined);
  });

  it('starts a result over when the webview reloads in the middle of it', () => {
    const { feed, sent, drawAll, clear } = setup();
    feed.onReady();
    feed.showResult(toFeedResult(result(3), 5, 'x'));
    feed.onLayersTaken(5, 2);
    feed.onUnloaded();
    feed.onLayersTaken(5, 1); // the unloaded document's last word: nothing is sent
    clear();
    feed.onReady();
    drawAll();
    assert.deepEqual(trail(sent), ['start 5', '5/0', '5/1', '5/2', 'finish 5']);
  });
});
