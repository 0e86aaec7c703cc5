/**
 * Pictures for models/mini-code-gpt/MODEL_CARD.md: the bundled model inspected through the
 * engine on a short Python text with a repeated passage, drawn by the built webview in
 * headless Chromium — the matrix view of the best head of each role (from the evaluation's
 * `.cache/train/eval.json`) and the summary view. Writes out/model-card/*.png; asserts
 * nothing. `npm run pictures` runs it (after `tools/train/eval.ts`) and copies the
 * pictures to docs/model-card/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedEngine } from '../unit/engine/fixtures';
import { CARD_TEXT } from './cardText';
import { launchChromium } from '../chromium';
import { fixtureOf } from './fixtureResult';
import { WebviewPage } from './webviewPage';

const ROOT = join(__dirname, '../..');
const MODEL = join(ROOT, 'models/mini-code-gpt');
const OUT = join(ROOT, 'out/model-card');

interface Role {
  name: string;
  scores: number[];
}

function slug(name: string): string {
  return name.replace(/\s+/g, '-');
}

async function main(): Promise<void> {
  const evaluation = JSON.parse(readFileSync(join(ROOT, '.cache/train/eval.json'), 'utf8')) as {
    roles: Role[];
  };
  const result = await sharedEngine().inspect(MODEL, CARD_TEXT);
  const fixture = fixtureOf(result, 1, 'area.py:1–9');
  const heads = result.model.heads;
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  const shoot = async (file: string, state: Record<string, unknown>) => {
    const w = await WebviewPage.open(browser, { theme: 'light', width: 1000, height: 760, state });
    await w.sendResult(fixture);
    await w.page.mouse.move(0, 0);
    await w.page.screenshot({ path: join(OUT, file) });
    await w.close();
    console.log(`wrote out/model-card/${file}`);
  };
  const base = {
    v: 1,
    wordLevel: false,
    hideSpecial: false,
    zoom: 1,
    colorMap: null,
    topK: null,
    heads: [],
  };
  for (const role of evaluation.roles) {
    const best = role.scores.indexOf(Math.max(...role.scores));
    const [layer, head] = [Math.floor(best / heads), best % heads];
    await shoot(`${slug(role.name)}.png`, { ...base, view: 'matrix', layer, head, scale: 'row' });
  }
  await shoot('summary.png', { ...base, view: 'summary', layer: 0, head: 0, scale: 'max' });
  await browser.close();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
