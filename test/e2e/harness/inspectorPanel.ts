/**
 * The Attention Inspector webview as the suite sees it: found among the workbench's nested
 * iframes and driven through the DOM hooks the webview exposes (view tabs `#tab-<view>`, the
 * model grid's `button.thumb[data-layer][data-head]`, the head view's token columns
 * `.head-column.queries|keys .token[data-unit]` with their `.shade`, the focus panel's
 * `ol.attended` list, the `Layer` select).
 */
import type { Frame } from 'playwright-core';
import type { ViewKind } from '../../../src/protocol/webview';
import type { Workbench } from './workbench';

/** One entry of the focus panel's "Attends to" list. */
export interface AttendedEntry {
  label: string;
  weight: string;
}

export class InspectorPanel {
  private constructor(
    readonly wb: Workbench,
    readonly frame: Frame,
  ) {}

  /** Waits for the panel to show a complete result (every model-view thumbnail drawn). */
  static async waitFor(wb: Workbench, timeout = 120_000): Promise<InspectorPanel> {
    const frame = await wb.frameWith('.model-grid button.thumb', timeout);
    await frame.locator('.model-grid button.thumb.pending').first().waitFor({
      state: 'detached',
      timeout,
    });
    return new InspectorPanel(wb, frame);
  }

  /** `light` or `dark`, from the class VS Code puts on the webview's body. */
  async theme(): Promise<string> {
    const classes = (await this.frame.locator('body').getAttribute('class')) ?? '';
    return classes.match(/vscode-(light|dark|high-contrast)/)?.[1] ?? classes;
  }

  async showView(view: ViewKind): Promise<void> {
    await this.frame.locator(`#tab-${view}`).click();
    await this.frame.locator(`#tab-${view}[aria-selected="true"]`).waitFor();
  }

  /** Thumbnails of the model view as [layer, head] pairs. */
  async thumbnails(): Promise<[number, number][]> {
    return this.frame
      .locator('.model-grid button.thumb')
      .evaluateAll((buttons) =>
        buttons.map((b) => [Number(b.dataset.layer), Number(b.dataset.head)] as [number, number]),
      );
  }

  /** Opens one head from the model view (it opens in the matrix view). */
  async openThumbnail(layer: number, head: number): Promise<void> {
    await this.showView('model');
    await this.frame.locator(`button.thumb[data-layer="${layer}"][data-head="${head}"]`).click();
    await this.frame.locator('#tab-matrix[aria-selected="true"]').waitFor();
  }

  /**
   * In the Steps view, shows one head's arithmetic for query token `token` (the host asks
   * the worker); resolves with the view's two check lines once both are drawn.
   */
  async showSteps(layer: number, head: number, token: number): Promise<string[]> {
    await this.showView('steps');
    await this.frame
      .locator('label.field:has(> span:text-is("Layer")) > select')
      .selectOption(String(layer));
    await this.frame
      .locator('label.field:has(> span:text-is("Head")) > select')
      .selectOption(String(head));
    await this.frame.locator(`#steps-token-${token}`).click();
    await this.frame
      .locator('.steps-view h2', { hasText: `Layer ${layer} · head ${head}` })
      .waitFor({ timeout: 60_000 });
    await this.frame.locator(`#steps-token-${token}[aria-selected="true"]`).waitFor();
    return this.frame.locator('.steps-check').allTextContents();
  }

  /** In the head view, shows layer `layer` with the lines of `heads` only. */
  async showHeads(layer: number, heads: number[]): Promise<void> {
    await this.showView('head');
    await this.frame
      .locator('label.field:has(> span:text-is("Layer")) > select')
      .selectOption(String(layer));
    await this.frame.locator('.head-chips').getByText(`Layer ${layer} heads:`).waitFor();
    const chips = this.frame.locator('.head-chips .chip');
    const count = await chips.count();
    // Press the wanted heads before releasing the others: the view keeps at least one head.
    for (const wanted of [true, false]) {
      for (let h = 0; h < count; h++) {
        if (heads.includes(h) !== wanted) continue;
        const pressed = (await chips.nth(h).getAttribute('aria-pressed')) === 'true';
        if (pressed !== wanted) await chips.nth(h).click();
      }
    }
    for (let h = 0; h < count; h++) {
      const expected = String(heads.includes(h));
      const chip = `.head-chips .chip:nth-of-type(${h + 1})[aria-pressed="${expected}"]`;
      await this.frame.locator(chip).waitFor();
    }
  }

  /** The head view's query labels, one per token. */
  async queryLabels(): Promise<string[]> {
    return this.frame.locator('.head-column.queries .token .text').allTextContents();
  }

  /** Hovers query token `unit` in the head view. */
  async hoverQuery(unit: number): Promise<void> {
    const token = this.frame.locator(`.head-column.queries .token[data-unit="${unit}"]`);
    // Centre it: near the bottom edge the focus panel, which grows on hover, would cover it.
    await token.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await token.hover();
    await this.frame.locator(`.head-column.queries .token.focused[data-unit="${unit}"]`).waitFor();
  }

  /**
   * The key column's shading (opacity = weight of the focused query's row). The view repaints
   * on the next animation frame after a hover, so with `painted` wait until some shade shows.
   */
  async keyShades(painted = false): Promise<number[]> {
    const read = () =>
      this.frame
        .locator('.head-column.keys .token .shade')
        .evaluateAll((els) => els.map((s) => Number((s as HTMLElement).style.opacity || 0)));
    for (let tries = 0; painted && tries < 50; tries++) {
      if ((await read()).some((opacity) => opacity > 0)) break;
      await this.frame.page().waitForTimeout(100);
    }
    return read();
  }

  /** The focus panel's "Attends to" list, strongest first. */
  async attended(): Promise<AttendedEntry[]> {
    await this.frame.locator('.focus-panel ol.attended li').first().waitFor();
    return this.frame.locator('.focus-panel ol.attended li').evaluateAll((items) =>
      items.map((li) => ({
        label: li.querySelector('button')?.textContent ?? '',
        weight: li.querySelector('.weight')?.textContent ?? '',
      })),
    );
  }
}
