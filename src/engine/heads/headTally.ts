/**
 * What a scan keeps while it runs, whatever the corpus size: per head the running mean and
 * variance of its window scores (Welford), its counted positions, per file the sum of its
 * window scores, and its best examples (at most `examplesPerHead`). Windows are scored and
 * forgotten; nothing here grows with tokens.
 */
import type { FileScan, HeadExample, HeadRank } from './headScanTypes';
import type { LayerScore } from './scoreLayer';
import type { WindowTokens } from './textPatterns';

/** Where a layer's rows sit: the window's tokens, the rows counted, the window's span. */
export interface WindowPlace {
  file: number;
  window: WindowTokens;
  rows: readonly number[];
  /** 1-based line of an offset in the file. */
  lineOf: (offset: number) => number;
  /** The window's text as offsets in the file. */
  windowStart: number;
  windowEnd: number;
}

interface HeadState {
  windows: number;
  mean: number;
  m2: number;
  count: number;
  fileSums: number[];
  fileWindows: number[];
  examples: HeadExample[];
}

export class HeadTally {
  private readonly states: HeadState[];
  readonly files: FileScan[] = [];

  constructor(
    readonly layers: number,
    readonly heads: number,
    private readonly examplesPerHead: number,
  ) {
    this.states = Array.from({ length: layers * heads }, () => ({
      windows: 0,
      mean: 0,
      m2: 0,
      count: 0,
      fileSums: [],
      fileWindows: [],
      examples: [],
    }));
  }

  addFile(file: string): number {
    this.files.push({ file, tokens: 0, windows: 0, counted: 0, truncated: false });
    return this.files.length - 1;
  }

  /** One layer of one window. */
  addLayer(layer: number, score: LayerScore, place: WindowPlace): void {
    const { rows } = place;
    if (rows.length === 0) return;
    for (let h = 0; h < this.heads; h++) {
      const s = this.states[layer * this.heads + h];
      s.count += rows.length;
      if (score.total[h] > 0) {
        const x = score.onTargets[h] / score.total[h];
        s.windows++;
        const delta = x - s.mean;
        s.mean += delta / s.windows;
        s.m2 += delta * (x - s.mean);
        s.fileSums[place.file] = (s.fileSums[place.file] ?? 0) + x;
        s.fileWindows[place.file] = (s.fileWindows[place.file] ?? 0) + 1;
      }
      this.keepExamples(s, layer, h, score, place);
    }
  }

  private keepExamples(
    s: HeadState,
    layer: number,
    head: number,
    score: LayerScore,
    place: WindowPlace,
  ): void {
    const { rows, window } = place;
    const limit = this.examplesPerHead;
    for (let r = 0; r < rows.length; r++) {
      const share = score.rowShares[head * rows.length + r];
      const worst = s.examples.length < limit ? -1 : s.examples[s.examples.length - 1].score;
      const key = score.bestKeys[head * rows.length + r];
      if (!(share > worst) || key < 0 || limit === 0) continue;
      const q = window.tokens[rows[r]];
      const k = window.tokens[key];
      const text = window.text;
      const example: HeadExample = {
        layer,
        head,
        file: this.files[place.file].file,
        start: q.start,
        end: q.end,
        line: place.lineOf(q.start),
        query: text.slice(q.start, q.end),
        keyStart: k.start,
        keyEnd: k.end,
        key: text.slice(k.start, k.end),
        score: share,
        windowStart: place.windowStart,
        windowEnd: place.windowEnd,
      };
      const at = s.examples.findIndex((e) => e.score < share);
      s.examples.splice(at < 0 ? s.examples.length : at, 0, example);
      if (s.examples.length > limit) s.examples.pop();
    }
  }

  /** Every head, best first (heads without a score last), and their examples in that order. */
  ranking(): { heads: HeadRank[]; examples: HeadExample[] } {
    const ranks = this.states.map((s, i): HeadRank & { examples: HeadExample[] } => ({
      layer: Math.floor(i / this.heads),
      head: i % this.heads,
      score: s.windows > 0 ? s.mean : null,
      spread: s.windows > 0 ? Math.sqrt(s.m2 / s.windows) : 0,
      count: s.count,
      windows: s.windows,
      perFile: this.files.map((_, f) =>
        s.fileWindows[f] ? (s.fileSums[f] as number) / s.fileWindows[f] : null,
      ),
      examples: s.examples,
    }));
    ranks.sort((a, b) => (b.score ?? -1) - (a.score ?? -1));
    return {
      heads: ranks.map(({ examples: _, ...rank }) => rank),
      examples: ranks.flatMap((r) => r.examples),
    };
  }
}
