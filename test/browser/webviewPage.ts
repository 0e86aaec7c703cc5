/**
 * Loads the built webview (dist/webview.js + dist/webview.css) in headless Chromium under
 * the production CSP, with a test double of `acquireVsCodeApi` that records every posted
 * message and the saved state, and hands the webview's calls to a `TestHost` (the engine's
 * real held results). Pages are served from a fake origin through request interception, so
 * the CSP's `${cspSource}` rules are exercised as in VS Code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { renderHtml } from '../../src/panel/html';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/webview';
import type { FixtureResult } from './fixtureResult';
import { type HostCall, TestHost } from './testHost';
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
    window.__inflight = 0;
    window.__decode = (v) => {
      if (Array.isArray(v)) return v.map(window.__decode);
      if (v === null || typeof v !== 'object') return v;
      if (v.__typed) return new globalThis[v.__typed](v.data);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, window.__decode(x)]));
    };
    window.__state = ${JSON.stringify(savedState ?? null)};
    let acquired = false;
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return {
        postMessage: (m) => {
          window.__posted.push(m);
          if (!m || m.kind !== 'call') return;
          const waits = ['overview', 'slice', 'headWrites', 'logitLens', 'predictions'].includes(m.method);
          if (waits) window.__inflight++;
          window.__hostCall(m.method, m.arg).then((answer) => {
            const reply = 'err' in answer
              ? { kind: 'reply', id: m.id, err: { message: answer.err, code: 'error' } }
              : { kind: 'reply', id: m.id, ok: window.__decode(answer.ok) };
            window.postMessage(reply, '*');
            if (waits) window.__inflight--;
          });
        },
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

/** Typed arrays as `{ __typed, data }`, to cross the Playwright bridge (rebuilt in the page). */
function encode(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const typed = value as Float32Array;
    return { __typed: typed.constructor.name, data: Array.from(typed) };
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
}

/** A loaded webview and helpers to talk to it like the host does. */
export class WebviewPage {
  private constructor(
    readonly page: Page,
    /** Answers the page's calls; tests hold results in it and answer steps through it. */
    readonly host: TestHost,
  ) {}

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
    const host = new TestHost();
    await page.exposeFunction('__hostCall', async (method: string, arg: HostCall['arg']) => {
      try {
        return { ok: encode(await host.serve(method, arg)) };
      } catch (error) {
        return { err: error instanceof Error ? error.message : String(error) };
      }
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(
      () => (window as unknown as { __posted: unknown[] }).__posted.length > 0,
    );
    if (errors.length) throw new Error(`webview threw: ${errors.join('; ')}`);
    return new WebviewPage(page, host);
  }

  /** Posts host notifications as VS Code delivers them (Rpc event envelope, structured clone). */
  async send(message: HostToWebview | HostToWebview[]): Promise<void> {
    const messages = Array.isArray(message) ? message : [message];
    await this.page.evaluate((list) => {
      const { __decode: decode } = window as unknown as { __decode: (v: unknown) => unknown };
      for (const event of list) window.postMessage({ kind: 'event', event: decode(event) }, '*');
    }, encode(messages) as HostToWebview[]);
    // Messages are delivered as tasks; wait for them and the frame they schedule.
    await this.frame();
  }

  /**
   * Holds a result in the host and starts it in the page (`didStartResult`, after the
   * settings if given); waits until the page has every overview it asked for, drawn.
   */
  async sendResult(
    result: FixtureResult,
    settings?: HostToWebview & { type: 'didChangeSettings' },
  ): Promise<void> {
    const { meta } = result;
    this.host.hold(meta.runId, result.result);
    await this.send([...(settings ? [settings] : []), { type: 'didStartResult', meta }]);
    await this.settle();
  }

  /** Waits until no overview or slice the page asked for is on its way, and a frame passed. */
  async settle(): Promise<void> {
    for (let quiet = 0; quiet < 2; ) {
      await this.page.waitForFunction(
        () => (window as unknown as { __inflight: number }).__inflight === 0,
      );
      await this.frame();
      const idle = await this.page.evaluate(
        () => (window as unknown as { __inflight: number }).__inflight === 0,
      );
      quiet = idle ? quiet + 1 : 0;
    }
  }

  /** A task and the animation frame after it. */
  frame(): Promise<unknown> {
    return this.page.evaluate(
      () => new Promise((r) => setTimeout(() => requestAnimationFrame(() => r(null)), 0)),
    );
  }

  /** Every notification the webview posted, unwrapped from the Rpc envelope (calls: `host.calls`). */
  async posted(): Promise<WebviewToHost[]> {
    return this.page.evaluate(() =>
      (window as unknown as { __posted: { kind: string; event: unknown }[] }).__posted
        .filter((m) => m.kind === 'event')
        .map((m) => {
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
