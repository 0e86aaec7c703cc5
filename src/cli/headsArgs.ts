/** Command-line arguments of `dist/cli.js heads` (issue 25), parsed with Node's `util.parseArgs`. */
import { parseArgs } from 'node:util';
import { GRAPH_VARIANTS, type GraphVariant } from '../engine/folder/onnxGraphFiles';
import {
  DEFAULT_TOKEN_BUDGET,
  DEFAULT_WINDOW_TOKENS,
  HEAD_PATTERNS,
  type HeadPattern,
} from '../engine/heads/headScanTypes';
import { DEFAULT_RUN_TIMEOUT_SECONDS, RUN_TIMEOUT_RANGE } from '../worker/runDeadline';
import { compileRule } from '../engine/heads/headPatterns';
import { UsageError } from './cliArgs';

export const HEADS_USAGE = `Usage: node dist/cli.js heads --pattern P [--from RE --to RE] [--model DIR] [--max-tokens N]
         [--budget T] [--examples N] [--exclude-first] [--exclude-current] [--threads N] FILES…
Ranks every head of the model by how much of its attention follows a pattern over FILES
(files or folders; folders are walked honouring .gitignore) and prints JSON
(docs/attention-json.md, "Head scans"). P is one of: ${HEAD_PATTERNS.join(', ')}.
custom: from tokens overlapping a match of --from RE to earlier tokens overlapping --to RE.
--max-tokens N: tokens per window (default ${DEFAULT_WINDOW_TOKENS}, at most the model's context);
longer files are cut into windows that overlap by an eighth (at most 64 tokens).
--budget T: text tokens to score at most (default ${DEFAULT_TOKEN_BUDGET.toLocaleString('en-US')}).
--examples N: best examples printed per head (default 3).
--exclude-first / --exclude-current: leave the weight on the first token / the query itself
out of the score (TransformerLens's exclude_bos / exclude_current_token).`;

export interface HeadsArgs {
  pattern: HeadPattern;
  from?: string;
  to?: string;
  model?: string;
  variant?: GraphVariant;
  windowTokens?: number;
  budget: number;
  examples: number;
  excludeFirst: boolean;
  excludeCurrent: boolean;
  threads: number;
  timeoutSeconds: number;
  paths: string[];
  help: boolean;
}

export function parseHeadsArgs(argv: string[]): HeadsArgs {
  const { values, positionals } = parse(argv);
  const help = values.help ?? false;
  const pattern = values.pattern;
  if (!help && pattern === undefined) {
    throw new UsageError(`heads needs --pattern, one of ${HEAD_PATTERNS.join(', ')}.`);
  }
  if (!help && !(HEAD_PATTERNS as readonly string[]).includes(pattern as string)) {
    throw new UsageError(`--pattern takes one of ${HEAD_PATTERNS.join(', ')}, not "${pattern}".`);
  }
  const custom = pattern === 'custom';
  if (!custom && (values.from !== undefined || values.to !== undefined)) {
    throw new UsageError('--from and --to belong to --pattern custom.');
  }
  if (!help && custom && (values.from === undefined || values.to === undefined)) {
    throw new UsageError('--pattern custom needs --from RE and --to RE.');
  }
  if (!help && positionals.length === 0) {
    throw new UsageError('heads needs the files or folders to scan. Run heads --help for usage.');
  }
  if (custom && !help) {
    // Checked here, so a bad regex is said before the model loads.
    for (const [flag, source] of [
      ['--from', values.from],
      ['--to', values.to],
    ] as const) {
      try {
        compileRule(source, flag);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
  }
  const variant = values.variant;
  if (variant !== undefined && !(GRAPH_VARIANTS as readonly string[]).includes(variant)) {
    throw new UsageError(`--variant takes one of ${GRAPH_VARIANTS.join(', ')}, not "${variant}".`);
  }
  return {
    pattern: pattern as HeadPattern,
    ...(custom ? { from: values.from, to: values.to } : {}),
    model: values.model,
    ...(variant ? { variant: variant as GraphVariant } : {}),
    ...(values['max-tokens'] === undefined
      ? {}
      : { windowTokens: integer(values['max-tokens'], '--max-tokens', 3, 8192) }),
    budget:
      values.budget === undefined
        ? DEFAULT_TOKEN_BUDGET
        : integer(values.budget, '--budget', 1, 1_000_000_000),
    examples: values.examples === undefined ? 3 : integer(values.examples, '--examples', 0, 100),
    excludeFirst: values['exclude-first'] ?? false,
    excludeCurrent: values['exclude-current'] ?? false,
    threads: values.threads === undefined ? 0 : integer(values.threads, '--threads', 0, 64),
    timeoutSeconds:
      values.timeout === undefined
        ? DEFAULT_RUN_TIMEOUT_SECONDS
        : integer(values.timeout, '--timeout', RUN_TIMEOUT_RANGE.min, RUN_TIMEOUT_RANGE.max),
    paths: positionals,
    help,
  };
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        pattern: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        model: { type: 'string' },
        variant: { type: 'string' },
        'max-tokens': { type: 'string' },
        budget: { type: 'string' },
        examples: { type: 'string' },
        'exclude-first': { type: 'boolean' },
        'exclude-current': { type: 'boolean' },
        threads: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run heads --help for usage.`);
  }
}

function integer(text: string, flag: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not "${text}".`);
  }
  return value;
}
