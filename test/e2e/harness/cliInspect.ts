/**
 * Runs the packaged CLI (`node dist/cli.js`, the same engine the extension bundles) on a text,
 * giving the reference the webview's data is compared with.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths';

/** The parts of the export document (docs/attention-json.md) the suite reads. */
export interface AttentionJson {
  format: string;
  model: { name: string; layers: number; heads: number };
  text: string;
  tokens: { id: number; text: string; start: number; end: number; special: boolean }[];
  /** [layer][head][query][key]. */
  attentions: number[][][][];
  /** Encoder-decoder models: the decoder's tokens (the first is the decoder start token). */
  decoder_tokens?: { id: number; text: string }[];
  /** Encoder-decoder models: [layer][head][target][source]. */
  cross_attentions?: number[][][][];
}

/** Inspects `text` with the CLI; `model` is a model folder or undefined for the bundled one. */
export function cliInspect(
  text: string,
  model: string | undefined,
  /** More CLI flags (e.g. `--logit-lens 5`). */
  extra: string[] = [],
): AttentionJson {
  const dir = mkdtempSync(join(tmpdir(), 'ai-cli-'));
  try {
    writeFileSync(join(dir, 'text.txt'), text);
    const modelArgs = model === undefined ? [] : ['--model', model];
    const cli = join(repoRoot, 'dist/cli.js');
    const files = ['--text-file', join(dir, 'text.txt'), '--out', join(dir, 'out.json')];
    execFileSync('node', [cli, ...modelArgs, ...files, ...extra], { stdio: 'pipe' });
    return JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as AttentionJson;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
