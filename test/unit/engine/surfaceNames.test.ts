import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { planTokens, type TokenLimits } from '../../../src/engine/inference/planTokens';
import { KNOBS, type Surface } from '../../../src/engine/surface';
import type { TextTokenizer } from '../../../src/engine/tokenize/textTokenizer';
import { ROOT } from './fixtures';

/**
 * Messages name what the user can change where they are: the CLI's notes its flags, the
 * extension's its settings. The engine serves both, so its advice goes through one table
 * (src/engine/surface.ts); everything else may name only its own surface's knobs.
 */
const SRC = join(ROOT, 'src');

/** The string and template literals of every .ts file under `dir` (comments left out). */
function literals(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const code = readFileSync(path, 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/^\s*\/\/.*$/gm, '');
        for (const [text] of code.matchAll(
          /'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|"(?:[^"\\\n]|\\.)*"/g,
        ))
          out.push({ file: relative(ROOT, path), text });
      }
    }
  };
  walk(dir);
  return out;
}

/** The CLI's flags, read from its parser's option table. */
const CLI_FLAGS = [
  ...readFileSync(join(SRC, 'cli', 'cliArgs.ts'), 'utf8').matchAll(
    /^\s+'?([a-z][a-z-]*)'?: \{ type: '(?:string|boolean)'/gm,
  ),
].map((m) => `--${m[1]}`);
const SETTING = /attentionInspector\.(?!walkthrough\.)[a-zA-Z]+/;

describe('messages name the right surface (src/engine/surface.ts)', () => {
  it('reads the CLI flags from its parser', () => {
    for (const flag of ['--max-tokens', '--timeout', '--max-new-tokens', '--model']) {
      assert.ok(CLI_FLAGS.includes(flag), flag);
    }
  });

  it('no code that runs without VS Code names a setting, but the one table of knobs', () => {
    const found = ['engine', 'cli', 'worker', 'hub', 'protocol', 'shared']
      .flatMap((folder) => literals(join(SRC, folder)))
      .filter(({ file, text }) => SETTING.test(text) && !file.endsWith('engine/surface.ts'));
    assert.deepEqual(found, []);
  });

  it('the engine names none of the knobs a surface names itself, but through the table', () => {
    const knobFlags = Object.values(KNOBS).map((names) => names.cli);
    const found = literals(join(SRC, 'engine')).filter(
      ({ file, text }) =>
        !file.endsWith('engine/surface.ts') && knobFlags.some((flag) => text.includes(flag)),
    );
    assert.deepEqual(found, []);
  });

  it('the extension side names no CLI flag', () => {
    const found = ['extension.ts', 'commands', 'inspection', 'panel', 'editor', 'export']
      .flatMap((part) =>
        part.endsWith('.ts')
          ? literals(SRC).filter(({ file }) => file === join('src', part))
          : literals(join(SRC, part)),
      )
      .filter(({ text }) => CLI_FLAGS.some((flag) => new RegExp(`${flag}\\b`).test(text)));
    assert.deepEqual(found, []);
  });

  it('a cut text and a too-small limit are explained with the asking surface’s knob', () => {
    // A tokenizer of one token per character is enough to exercise the plan's messages.
    const tokenizer = {
      tokenize: (text: string) =>
        [...text].map((ch, i) => ({ id: 5, text: ch, start: i, end: i + 1, special: false })),
      tokenToId: () => 1,
    } as unknown as TextTokenizer;
    const limits = (
      surface: Surface,
      maxTokens: number,
      from: TokenLimits['from'] = 'asked',
    ): TokenLimits => ({
      maxTokens,
      from,
      contextSize: 512,
      contextHome: '"n_positions" (512) in config.json',
      specialsHome: 'the tokenizer files',
      surface,
    });
    const specials = { prepend: ['<s>'], append: [] };
    for (const surface of ['cli', 'extension'] as const) {
      const other = surface === 'cli' ? 'extension' : 'cli';
      for (const from of ['asked', 'memory'] as const) {
        const cut = planTokens(tokenizer, 'abcdefgh', specials, limits(surface, 4, from))
          .truncation!;
        assert.ok(cut.reason.includes(KNOBS.maxTokens[surface]), cut.reason);
        assert.ok(!cut.reason.includes(KNOBS.maxTokens[other]), cut.reason);
      }
      assert.throws(
        () => planTokens(tokenizer, 'abc', specials, limits(surface, 1)),
        (error: Error) =>
          error.message.includes(KNOBS.maxTokens[surface]) &&
          !error.message.includes(KNOBS.maxTokens[other]),
      );
    }
  });
});
