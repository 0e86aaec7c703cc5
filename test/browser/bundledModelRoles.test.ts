/**
 * The bundled model, inspected through the engine on a Python text with a repeated passage,
 * in the summary view: its previous-token and induction heads are labelled as such.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sharedEngine } from '../unit/engine/fixtures';
import { CARD_TEXT } from './cardText';
import { fixtureOf } from './fixtureResult';
import { webviewPagesForSuite } from './suiteChromium';

const BUNDLED = join(__dirname, '../../models/mini-code-gpt');

describe('the bundled model in the summary view (Chromium)', () => {
  const openPage = webviewPagesForSuite();

  it('labels previous-token and induction heads on a text with a repeated passage', async () => {
    const rest = await sharedEngine().inspect(BUNDLED, CARD_TEXT);
    const w = await openPage({ theme: 'dark' });
    await w.sendResult(fixtureOf(rest, 1, 'area.py'), {
      type: 'didChangeSettings',
      settings: { colorMap: 'viridis', topK: 5, defaultView: 'summary' },
    });
    const rows = await w.page.$$eval('.summary-table tbody tr', (trs) =>
      trs.map((tr) => ({
        head: tr.querySelector('button.link')?.textContent ?? '',
        roles: [...tr.querySelectorAll('.role')].map((chip) => chip.textContent),
      })),
    );
    assert.equal(rows.length, rest.model.layers * rest.model.heads);
    const labelled = (role: string) =>
      rows.filter((r) => r.roles.includes(role)).map((r) => r.head);
    assert.ok(
      labelled('previous-token').length > 0,
      `no previous-token head in ${JSON.stringify(rows)}`,
    );
    assert.ok(labelled('induction').length > 0, `no induction head in ${JSON.stringify(rows)}`);
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });
});
