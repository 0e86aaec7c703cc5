/**
 * A head scan (issue 25): files go in one at a time, each is tokenized whole, cut into
 * windows (scanWindows.ts), every window runs once, each layer's attention is scored against
 * the pattern's targets (scoreLayer.ts) and dropped, and the tally (headTally.ts) keeps the
 * ranking. Memory: one window's attention and the tally, whatever the corpus.
 */
import { EngineRunError } from '../errors';
import type { LoadedModel } from '../inference/loadedModel';
import { MAX_TOKENS_PER_RUN } from '../inference/planTokens';
import type { Token } from '../types';
import { PATTERN_DEFINITIONS, type PatternRule, patternRule } from './headPatterns';
import {
  DEFAULT_EXAMPLES_PER_HEAD,
  DEFAULT_TOKEN_BUDGET,
  DEFAULT_WINDOW_TOKENS,
  type FileScan,
  type HeadScanOptions,
  type HeadScanPlan,
  type HeadScanResult,
} from './headScanTypes';
import { HeadTally } from './headTally';
import { overlapFor, planWindows } from './scanWindows';
import { scoreLayer } from './scoreLayer';
import type { WindowTokens } from './textPatterns';
import type { WindowAttention } from './windowAttention';

/** Tokens per window a scan uses for `model` (special tokens included). */
export function scanWindowTokens(model: LoadedModel, asked?: number): number {
  const context = model.folder.manifest.maxPositions;
  return Math.min(asked ?? DEFAULT_WINDOW_TOKENS, context, MAX_TOKENS_PER_RUN);
}

export class HeadScan {
  readonly plan: HeadScanPlan;
  private readonly rule: PatternRule;
  private readonly tally: HeadTally;
  private readonly prepend: Token[];
  private readonly append: Token[];
  private left: number;
  private scored = 0;

  constructor(
    private readonly model: LoadedModel,
    private readonly attention: WindowAttention,
    private readonly options: HeadScanOptions,
  ) {
    this.rule = patternRule(options);
    const { layers, heads } = model.info;
    const windowTokens = scanWindowTokens(model, options.windowTokens);
    const { prepend, append } = model.folder.manifest.specialTokens;
    const special = (name: string): Token => ({
      id: model.tokenizer.tokenToId(name) ?? 0,
      text: name,
      start: 0,
      end: 0,
      special: true,
    });
    this.prepend = prepend.map(special);
    this.append = append.map(special);
    const body = windowTokens - prepend.length - append.length;
    if (body < 2) {
      throw new EngineRunError(
        `A window of ${windowTokens} tokens leaves no room for text next to the model's special tokens; raise the token limit.`,
        'badInput',
      );
    }
    const overlap = overlapFor(body);
    this.plan = {
      layers,
      heads,
      windowTokens,
      stride: body - overlap,
      overlap,
      definition: PATTERN_DEFINITIONS[options.pattern],
      source: attention.source,
    };
    this.tally = new HeadTally(layers, heads, options.examplesPerHead ?? DEFAULT_EXAMPLES_PER_HEAD);
    this.left = options.budget ?? DEFAULT_TOKEN_BUDGET;
  }

  /** Text tokens the budget still allows. */
  get tokensLeft(): number {
    return this.left;
  }

  /** Scores `text` (the file `file`); stops at the budget. `isCancelled` is asked between windows. */
  async addFile(file: string, text: string, isCancelled?: () => boolean): Promise<FileScan> {
    const index = this.tally.addFile(file);
    const scan = this.tally.files[index];
    if (this.left <= 0) {
      scan.truncated = true;
      return scan;
    }
    const tokens = this.model.tokenizer.tokenize(text);
    const { windowTokens, overlap } = this.plan;
    const body = windowTokens - this.prepend.length - this.append.length;
    const { windows, truncated } = planWindows(tokens.length, body, overlap, this.left);
    const lineOf = lineFinder(text);
    for (const w of windows) {
      if (isCancelled?.()) throw new EngineRunError('Head scan cancelled.', 'cancelled');
      const slice = tokens.slice(w.from, w.to);
      const at = slice[0]?.start ?? 0;
      const window: WindowTokens = {
        text,
        tokens: [
          ...this.prepend.map((t) => ({ ...t, start: at, end: at })),
          ...slice,
          ...this.append.map((t) => ({ ...t, start: at, end: at })),
        ],
      };
      const targets = this.rule(window);
      const first = this.prepend.length + (w.countFrom - w.from);
      const end = this.prepend.length + (w.to - w.from);
      const rows: number[] = [];
      for (let i = first; i < end; i++) if (targets[i].length > 0) rows.push(i);
      const ids = window.tokens.map((t) => t.id);
      const n = ids.length;
      const { heads } = this.plan;
      const place = {
        file: index,
        window,
        rows,
        lineOf,
        windowStart: at,
        windowEnd: slice[slice.length - 1]?.end ?? at,
      };
      const scoring = {
        targets,
        rows,
        excludeFirst: this.options.excludeFirst,
        excludeCurrent: this.options.excludeCurrent,
      };
      // A window with no counted query teaches nothing: it is not run.
      if (rows.length > 0) {
        await this.attention.layers(ids, (layer, weights) =>
          this.tally.addLayer(layer, scoreLayer(weights, n, heads, scoring), place),
        );
        scan.windows++;
      }
      scan.tokens += w.to - w.countFrom;
      scan.counted += rows.length;
    }
    scan.truncated = truncated;
    this.left -= scan.tokens;
    this.scored += scan.tokens;
    return scan;
  }

  result(): HeadScanResult {
    const { heads, examples } = this.tally.ranking();
    const { pattern, from, to } = this.options;
    return {
      pattern,
      definition: this.plan.definition,
      ...(pattern === 'custom' ? { from, to } : {}),
      model: this.model.info.dir,
      plan: this.plan,
      files: this.tally.files,
      tokens: this.scored,
      heads,
      examples,
    };
  }
}

/** The 1-based line of an offset of `text`. */
function lineFinder(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
