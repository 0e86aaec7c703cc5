/**
 * The vocabulary of a head scan (issue 25): which heads match a pattern over many files.
 * Shared by the engine, the worker protocol, the CLI and the extension; docs/attention-json.md
 * ("heads") describes the JSON the CLI prints from `HeadScanResult`.
 */

/** The patterns a scan ranks heads by (headPatterns.ts defines each one's targets). */
export const HEAD_PATTERNS = [
  'previous-token',
  'induction',
  'first-token',
  'duplicate-token',
  'brackets',
  'same-identifier',
  'line-start',
  'custom',
] as const;
export type HeadPattern = (typeof HEAD_PATTERNS)[number];

/** What to scan for and how. */
export interface HeadScanOptions {
  pattern: HeadPattern;
  /** `custom`: queries are the tokens that overlap a match of this regex… */
  from?: string;
  /** …and their targets the earlier tokens that overlap a match of this one. */
  to?: string;
  /** Tokens per window, special tokens included; default min(context, `DEFAULT_WINDOW_TOKENS`). */
  windowTokens?: number;
  /** Text tokens to score at most, over all files; default `DEFAULT_TOKEN_BUDGET`. */
  budget?: number;
  /** Best examples kept per head; default `DEFAULT_EXAMPLES_PER_HEAD`. */
  examplesPerHead?: number;
  /** TransformerLens's `exclude_bos`: weight on key 0 is left out of both sums. */
  excludeFirst?: boolean;
  /** TransformerLens's `exclude_current_token`: weight on the query itself is left out. */
  excludeCurrent?: boolean;
}

export const DEFAULT_WINDOW_TOKENS = 512;
export const DEFAULT_TOKEN_BUDGET = 100_000;
export const DEFAULT_EXAMPLES_PER_HEAD = 8;

/** How a scan cuts files: windows of `windowTokens`, each starting `stride` text tokens after the last. */
export interface HeadScanPlan {
  layers: number;
  heads: number;
  windowTokens: number;
  stride: number;
  /** Text tokens a window shares with the one before; its queries there count only in that one. */
  overlap: number;
  /** The pattern in words (what a head with that role attends to). */
  definition: string;
  /** How attention is obtained per window: the pruned probabilities graph, or recomputed per layer. */
  source: 'probabilities' | 'recomputed';
}

/** One file's part of a scan. */
export interface FileScan {
  file: string;
  /** Text tokens scored (each counted once, however many windows hold it). */
  tokens: number;
  windows: number;
  /** Query positions that had at least one target. */
  counted: number;
  /** The token budget ran out inside this file: its end was not scored. */
  truncated: boolean;
}

/** One head's standing. */
export interface HeadRank {
  layer: number;
  head: number;
  /** Mean over windows (with ≥ 1 counted query) of Σ(A ⊙ D) / Σ A; null when no window counted. */
  score: number | null;
  /** Standard deviation of the window scores (population); 0 for one window. */
  spread: number;
  /** Query positions that counted, over all windows. */
  count: number;
  windows: number;
  /** Per file (in `HeadScanResult.files` order), the mean of its window scores; null: none counted. */
  perFile: (number | null)[];
}

/** One query position where a head followed the pattern, with its strongest target. */
export interface HeadExample {
  layer: number;
  head: number;
  file: string;
  /** The query token: UTF-16 offsets in the file, its 1-based line, its text. */
  start: number;
  end: number;
  line: number;
  query: string;
  /** The target key the head weighted most. */
  keyStart: number;
  keyEnd: number;
  key: string;
  /** The row's weight on its targets (share of the counted weight). */
  score: number;
  /** The window the query was scored in, as offsets in the file (inspect this to see it). */
  windowStart: number;
  windowEnd: number;
}

export interface HeadScanResult {
  pattern: HeadPattern;
  definition: string;
  from?: string;
  to?: string;
  model: string;
  plan: HeadScanPlan;
  files: FileScan[];
  /** Text tokens scored. */
  tokens: number;
  /** Best first; heads with no score last. */
  heads: HeadRank[];
  /** Per head its best examples, best first; heads in `heads` order. */
  examples: HeadExample[];
}
