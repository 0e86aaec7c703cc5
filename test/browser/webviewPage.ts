/**
 * Loads the built webview (dist/webview.js + dist/webview.css) in headless Chromium under
 * the production CSP, with a test double of `acquireVsCodeApi` that records every posted
 * message and the saved state. Pages are served from a fake origin through request
 * interception, so the CSP's `${cspSource}` rules are exercised as in VS Code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { renderHtml } from '../../src/panel/html';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/webview';
import type { FixtureResult } from './fixtureResult';
import { THEMES, themeCss, type ThemeName } from './vscodeThemes';

const ORIGIN = 'https://webview.test';
const DIST = join(__dirname, '../../dist');
const NONCE = 'dGVzdC1ub25jZS0xMjM0';

/**
 * The page's HTML: the host's own shell (src/panel/html.ts: CSP, nonce, local resources), with
 * what VS Code adds around a webview: its theme's CSS variables, the body's theme class and
 * its preload script (here a test double of `acquireVsCodeApi`).
 */
function pageHtml(theme: ThemeName, savedState: unknown): string {
  // The test double stands in for VS Code's preload script.
  const double = `
    window.__posted = [];
    window.__state = ${JSON.stringify(savedState ?? null)};
    let acquired = false;
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return {
        postMessage: (m) => window.__posted.push(m),
        getState: () => window.__state,
        setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
      };
    };
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`;
  const shell = renderHtml({
    cspSource: ORIGIN,
    nonce: NONCE,
    scriptUri: `${ORIGIN}/dist/webview.js`,
    styleUri: `${ORIGIN}/dist/webview.css`,
    title: 'Attention Inspector',
  });
  const insert = (html: string, before: string, added: string): string => {
    if (!html.includes(before)) throw new Error(`the panel shell has no ${before}`);
    return html.replace(before, added + before);
  };
  let html = insert(
    shell,
    '<link rel="stylesheet"',
    `<link rel="stylesheet" href="${ORIGIN}/theme.css">\n`,
  );
  html = insert(
    html,
    `<script nonce="${NONCE}" src=`,
    `<script nonce="${NONCE}">${double}</script>\n`,
  );
  return html.replace('<body>', `<body class="${THEMES[theme]}">`);
}

/** A loaded webview and helpers to talk to it like the host does. */
export class WebviewPage {
  private constructor(readonly page: Page) {}

  static async open(
    browser: Browser,
    options: { theme?: ThemeName; width?: number; height?: number; state?: unknown } = {},
  ): Promise<WebviewPage> {
    for (const file of ['webview.js', 'webview.css']) {
      if (!existsSync(join(DIST, file)))
        throw new Error(`dist/${file} is missing: run \`node esbuild.mjs\` first.`);
    }
    const page = await browser.newPage({
      viewport: { width: options.width ?? 1100, height: options.height ?? 720 },
      deviceScaleFactor: 1,
    });
    const theme = options.theme ?? 'dark';
    await page.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/index.html') {
        return route.fulfill({ contentType: 'text/html', body: pageHtml(theme, options.state) });
      }
      if (path === '/theme.css')
        return route.fulfill({ contentType: 'text/css', body: themeCss(theme) });
      if (path.startsWith('/dist/')) {
        const type = path.endsWith('.css') ? 'text/css' : 'text/javascript';
        return route.fulfill({ contentType: type, body: readFileSync(join(DIST, path.slice(6))) });
      }
      return route.fulfill({ status: 404, body: '' });
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(
      () => (window as unknown as { __posted: unknown[] }).__posted.length > 0,
    );
    if (errors.length) throw new Error(`webview threw: ${errors.join('; ')}`);
    return new WebviewPage(page);
  }

  /** Posts host notifications as VS Code delivers them (Rpc event envelope, structured clone). */
  async send(message: HostToWebview | HostToWebview[]): Promise<void> {
    const messages = Array.isArray(message) ? message : [message];
    // Float32Arrays cross the Playwright bridge as number arrays and are rebuilt in the page.
    const wire = messages.map((m) =>
      m.type === 'didProduceLayer' ? { ...m, weights: [...m.weights] } : m,
    );
    await this.page.evaluate((list) => {
      for (const m of list as { type: string; weights?: number[] }[]) {
        const event = m.weights ? { ...m, weights: new Float32Array(m.weights) } : m;
        window.postMessage({ kind: 'event', event }, '*');
      }
    }, wire);
    // Messages are delivered as tasks; wait for them and the frame they schedule.
    await this.page.evaluate(
      () => new Promise((r) => setTimeout(() => requestAnimationFrame(() => r(null)), 0)),
    );
  }

  /** Sends a whole result: start, every layer, finish. */
  async sendResult(
    result: FixtureResult,
    settings?: HostToWebview & { type: 'didChangeSettings' },
  ): Promise<void> {
    const { meta, layers } = result;
    await this.send([
      ...(settings ? [settings] : []),
      { type: 'didStartResult', meta },
      ...layers.map((weights, layer) => ({
        type: 'didProduceLayer' as const,
        runId: meta.runId,
        layer,
        weights,
      })),
      { type: 'didFinishResult', runId: meta.runId },
    ]);
  }

  /** Every message the webview posted, unwrapped from the Rpc envelope. */
  async posted(): Promise<WebviewToHost[]> {
    return this.page.evaluate(() =>
      (window as unknown as { __posted: { event: unknown }[] }).__posted.map((m) => {
        const e = m.event as { weights?: Float32Array | null };
        return e.weights ? { ...e, weights: [...e.weights] } : e;
      }),
    ) as Promise<WebviewToHost[]>;
  }

  /** The last saved view state. */
  state(): Promise<Record<string, unknown>> {
    return this.page.evaluate(
      () => (window as unknown as { __state: Record<string, unknown> }).__state,
    );
  }

  /** CSP violations the page reported. */
  cspViolations(): Promise<string[]> {
    return this.page.evaluate(
      () => (window as unknown as { __cspViolations: string[] }).__cspViolations,
    );
  }

  /** RGBA of a canvas pixel at CSS coordinates `(x, y)` of the canvas. */
  pixel(selector: string, x: number, y: number): Promise<number[]> {
    return this.page.evaluate(
      ({ selector, x, y }) => {
        const canvas = document.querySelector(selector) as HTMLCanvasElement;
        const scale = canvas.width / canvas.getBoundingClientRect().width;
        const d = canvas
          .getContext('2d')!
          .getImageData(Math.floor(x * scale), Math.floor(y * scale), 1, 1).data;
        return [...d];
      },
      { selector, x, y },
    );
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
