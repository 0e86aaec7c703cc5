/**
 * One end-to-end session: the packaged extension installed into a fresh code-server, the sample
 * workspace (copied to a temp folder, with the generated long.py) opened in headless Chromium.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCodeServer, type CodeServer } from './codeServer';
import { failureReport } from './failureReport';
import { LONG_FILE, longSource } from './longSource';
import { failureDir, repoRoot, workspaceTemplate } from './paths';
import { Workbench } from './workbench';
import type { Page } from 'playwright-core';

/** The VS Code themes the screenshots are taken in. */
export const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' } as const;
export type ThemeName = keyof typeof THEMES;

/**
 * The model the session inspects with: the bundled one once models/mini-code-gpt exists, else
 * the engine's fixture decoder through the `attentionInspector.model` setting.
 */
export const modelDir: string | undefined = existsSync(
  join(repoRoot, 'models/mini-code-gpt/manifest.json'),
)
  ? undefined
  : join(repoRoot, 'test/fixtures/models/decoder-attn');

/** A running session. */
export interface Session {
  server: CodeServer;
  wb: Workbench;
  /** The temp copy of test/e2e/workspace that is open. */
  workspace: string;
  setTheme: (theme: ThemeName) => Promise<void>;
  /** Saves a screenshot named after a failed test to out/e2e-failures/ and prints what was on screen. */
  captureFailure: (title: string) => Promise<void>;
  close: () => Promise<void>;
}

/** The `.vsix` under test: `E2E_VSIX`, set by test/e2e/run.sh after `npm run package`. */
export function vsixPath(): string {
  const vsix = process.env.E2E_VSIX;
  if (!vsix || !existsSync(vsix)) {
    throw new Error('E2E_VSIX must name the packaged .vsix (run the suite with test/e2e/run.sh)');
  }
  return vsix;
}

function settingsFor(
  theme: ThemeName,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'workbench.colorTheme': THEMES[theme],
    'workbench.tips.enabled': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    // Blanks render as blanks, so a rendered line has one character per source character.
    'editor.renderWhitespace': 'none',
    ...(modelDir === undefined ? {} : { 'attentionInspector.model': modelDir }),
    ...extra,
  };
}

/**
 * Starts code-server with the packaged extension and opens the sample workspace; `settings`
 * adds to (or overrides) the user settings, e.g. another `attentionInspector.model`.
 */
export async function startSession(
  theme: ThemeName,
  devExtensions: { id: string; dir: string }[] = [],
  beforeLoad?: (page: Page) => void,
  settings: Record<string, unknown> = {},
): Promise<Session> {
  const workspace = join(mkdtempSync(join(tmpdir(), 'ai-ws-')), 'workspace');
  cpSync(workspaceTemplate, workspace, { recursive: true });
  writeFileSync(join(workspace, LONG_FILE), longSource());
  const server = await startCodeServer({
    vsix: vsixPath(),
    workspace,
    settings: settingsFor(theme, settings),
    devExtensions,
  });
  let wb: Workbench;
  try {
    wb = await Workbench.open(server.url, beforeLoad);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    server,
    wb,
    workspace,
    setTheme: async (next) => {
      await wb.pickColorTheme(THEMES[next]);
      const bodyClass = next === 'dark' ? 'vs-dark' : 'vs';
      await wb.page.locator(`.monaco-workbench.${bodyClass}`).waitFor({ timeout: 20_000 });
    },
    captureFailure: async (title) => {
      mkdirSync(failureDir, { recursive: true });
      const name = title.replace(/[^\w]+/g, '-').slice(0, 80);
      await wb.page.screenshot({ path: join(failureDir, `${name}.png`) }).catch(() => undefined);
      console.log(`--- ${title}\n${await failureReport(wb.page, server.userDataDir)}`);
    },
    close: async () => {
      await wb.close();
      await server.stop();
      rmSync(join(workspace, '..'), { recursive: true, force: true });
    },
  };
}
