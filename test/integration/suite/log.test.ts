import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import {
  closeAll,
  extension,
  FIXTURE_MODEL,
  inspectSelection,
  openTempFile,
  selectOffsets,
  useModel,
  waitFor,
} from './helpers';

/** "What did it load and where did the time go" is answered by the log channel's file. */
describe('the log (output channel "Attention Inspector")', () => {
  let restoreModel: () => Promise<void>;
  before(async () => {
    restoreModel = await useModel(FIXTURE_MODEL);
  });
  after(async () => {
    await restoreModel();
    await closeAll();
  });

  it('records the model load and the inspection with its stages, then the panel drawing it', async () => {
    const text = 'def area(r):\n    return 3.14 * r * r\n';
    const editor = await openTempFile('logged.py', text);
    await selectOffsets(editor, 0, text.length);
    const result = await inspectSelection();
    assert.ok(result, 'the inspection gave no result');
    const file = (await extension().activate()).logFile();
    const logged = await waitFor(() => {
      const content = existsSync(file) ? readFileSync(file, 'utf8') : '';
      return /inspected logged\.py/.test(content) && /drawn logged\.py/.test(content)
        ? content
        : undefined;
    }, `the log at ${file} to record the inspection and its drawing`);
    assert.match(logged, new RegExp(`model loaded: .* from ${escapeRegex(FIXTURE_MODEL)}`));
    const line = logged.split('\n').find((l) => l.includes('inspected logged.py'))!;
    assert.match(line, new RegExp(`${result.tokens.length} tokens`));
    assert.match(line, /tokenize \d+ ms, forward \d+ ms/);
    assert.match(
      logged,
      /drawn logged\.py:\S+ \(run \d+, \d+ tokens\): transfer \d+ ms, draw \d+ ms/,
    );
  });
});

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
