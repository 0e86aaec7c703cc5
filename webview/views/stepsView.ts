/**
 * Steps view: one head's arithmetic for one query token, step by step — the query and
 * every key vector, q·k, the scale, the bias and the mask, the softmax (checked against
 * the head's attention row), the weighted sum of the values (checked against the head's
 * output), and where that output goes. The numbers come from the host (its `steps` call);
 * the query token follows hover and clicks in any view and the editor cursor.
 */
import '../styles/steps.css';
import type { HeadSteps } from '../../src/engine/types';
import { outputDiagram } from './steps/outputDiagram';
import { check, chip, heading, section } from './steps/stepsParts';
import { positionsSection } from './steps/positionsSection';
import { maxGap, rowSteps, weightedSum } from './steps/rowChecks';
import { cellText, scoreTable } from './steps/scoreTable';
import { type PositionsEntry, stepsCache } from './steps/stepsCache';
import { VectorGrid } from './steps/vectorGrid';
import type { Focus, View, ViewContext, ViewHost } from './view';

export class StepsView implements View {
  readonly element = document.createElement('div');
  private readonly tokens = document.createElement('div');
  private readonly status = document.createElement('p');
  private readonly content = document.createElement('div');
  private readonly qk = new VectorGrid('Query and key vectors');
  private readonly values = new VectorGrid('Value vectors and the output');
  private ctx: ViewContext | undefined;
  /** The query token (token index, not display unit). */
  private query: number | null = null;
  private focus: Focus = { unit: null, pinned: false, top: [], row: null };
  private drawn = '';

  constructor(private readonly host: ViewHost) {
    this.element.className = 'steps-view';
    this.tokens.className = 'steps-tokens';
    this.tokens.setAttribute('role', 'listbox');
    this.tokens.setAttribute('aria-orientation', 'horizontal');
    this.tokens.setAttribute(
      'aria-label',
      'Query token: arrow keys move, Enter shows it in the editor',
    );
    this.tokens.tabIndex = 0;
    this.status.className = 'steps-status';
    this.status.setAttribute('aria-live', 'polite');
    this.content.className = 'steps-content';
    this.element.append(this.tokens, this.status, this.content);
    this.listen();
    stepsCache.onAnswer(() => this.draw());
  }

  render(ctx: ViewContext): void {
    this.ctx = ctx;
    const labels = this.tokenLabels();
    if (
      this.tokens.childElementCount !== labels.length ||
      this.tokens.dataset.run !== String(ctx.store.runId)
    ) {
      this.tokens.dataset.run = String(ctx.store.runId);
      this.tokens.replaceChildren(...labels.map((label, t) => chip(label, t)));
      this.query = null;
    }
    this.draw();
  }

  showFocus(focus: Focus): void {
    this.focus = focus;
    const units = this.ctx?.units;
    if (focus.unit !== null && units) this.query = units.units[focus.unit]?.at(-1) ?? this.query;
    this.draw();
  }

  focusInside(): void {
    this.tokens.focus();
  }

  toSvg(): string | undefined {
    return undefined;
  }

  private tokenLabels(): string[] {
    return this.ctx ? this.ctx.store.units({ wordLevel: false, hideSpecial: false }).labels : [];
  }

  private draw(): void {
    const ctx = this.ctx;
    const runId = ctx?.store.runId;
    if (!ctx || runId === null || runId === undefined) return;
    const { layer, head } = ctx.state;
    const n = ctx.store.n;
    const query = Math.min(this.query ?? n - 1, n - 1);
    this.markQuery(query);
    if (typeof head !== 'number') {
      this.say(
        `Steps are per head: pick one head (H0–H${ctx.store.heads - 1}) in the Head list above.`,
      );
      return;
    }
    // An encoder-decoder's heads are asked for in the attention on show (store.kind).
    const kind = ctx.store.meta?.seq2seq ? ctx.store.kind : undefined;
    const which = `${kind ? `${kind} ` : ''}layer ${layer}, head ${head}`;
    const entry = stepsCache.get(runId, layer, head, kind);
    if (entry.error) {
      this.say(`The steps of ${which} could not be computed: ${entry.error}`);
      return;
    }
    if (!entry.steps) {
      this.say(`Computing the steps of ${which}…`);
      return;
    }
    const positions = stepsCache.positions(runId);
    const key = [
      positions.report ? 'positions' : positions.error ? 'no positions' : '',
      runId,
      kind,
      layer,
      head,
      query,
      ctx.palette.background,
      ctx.palette.kind,
      ctx.store.receivedLayers,
    ].join('/');
    if (key === this.drawn) return;
    this.drawn = key;
    this.status.textContent = '';
    this.content.replaceChildren(...this.sections(ctx, entry.steps, query, positions));
  }

  private say(text: string): void {
    this.drawn = '';
    this.status.textContent = text;
    this.content.replaceChildren();
  }

  private sections(
    ctx: ViewContext,
    s: HeadSteps,
    i: number,
    positions: PositionsEntry,
  ): HTMLElement[] {
    const labels = this.tokenLabels();
    // Cross-attention's keys are the source tokens; otherwise the keys are the queries.
    const keyLabels = ctx.store.keyUnits({ wordLevel: false, hideSpecial: false }).labels;
    const rows = rowSteps(s, i);
    const weights = rows.map((r) => r.weight);
    const matrix = ctx.store.tokenMatrix(s.layer, s.head);
    const cols = matrix?.cols ?? matrix?.n ?? 0;
    const modelRow = matrix?.data.subarray(i * cols, (i + 1) * cols);
    const softmaxGap = modelRow ? maxGap(weights, modelRow) : NaN;
    const output = s.output.subarray(i * s.dv, (i + 1) * s.dv);
    const outputGap = maxGap(weightedSum(s, weights), output);
    const kv = s.kvHead === s.head ? '' : ` (keys and values of key/value head ${s.kvHead})`;
    const kind = s.kind ? `${s.kind[0].toUpperCase()}${s.kind.slice(1)} attention · ` : '';
    const where = `${kind}Layer ${s.layer} · head ${s.head}${kv} · query ${labels[i]} #${i}`;

    this.qk.set(
      [
        { label: `q ${labels[i]}`, values: s.q.subarray(i * s.d, (i + 1) * s.d), strong: true },
        ...rows.map((r) => ({
          label: `k ${keyLabels[r.key]}`,
          values: s.k.subarray(r.key * s.d, (r.key + 1) * s.d),
          faded: r.masked,
        })),
      ],
      ctx.palette,
    );
    this.values.set(
      [
        ...rows.map((r) => ({
          label: `${cellText(r.weight)} × v ${keyLabels[r.key]}`,
          values: s.v.subarray(r.key * s.dv, (r.key + 1) * s.dv),
          faded: r.masked,
        })),
        { label: 'output', values: output, strong: true },
      ],
      ctx.palette,
    );
    const scaleWhere =
      s.scaleAt.length === 0
        ? 'the model applies no scale'
        : s.scaleAt.includes('scores')
          ? `the model multiplies q·k by ${cellText(s.scale)} (1/√${s.d} = ${cellText(1 / Math.sqrt(s.d))})`
          : `the model folds ${cellText(s.scale)} into ${s.scaleAt.join(' and ')} before the dot product; shown here as a separate step`;
    const top = rows.filter((r) => !r.masked).sort((a, b) => b.weight - a.weight)[0];
    return [
      heading('h2', where),
      section(
        '1. Query and keys',
        `q = x·W_Q and k = x·W_K for every token (after rotary positions, if any); ${s.d} numbers each. Blue is negative, orange positive.`,
        this.qk.element,
      ),
      section(
        '2–5. Scores, scale, mask, softmax',
        `q·k for every key, then ${scaleWhere}${s.softcap ? `, soft-capped to ${cellText(s.softcap)} · tanh(x / ${cellText(s.softcap)})` : ''}${s.bias ? ', plus the bias' : ''}; the mask removes ${rows.filter((r) => r.masked).length} key(s); softmax turns the rest into weights that sum to 1.`,
        scoreTable(rows, keyLabels, modelRow, {
          scale: s.scale,
          ...(s.softcap ? { softcap: s.softcap } : {}),
          hasBias: s.bias !== null,
          focusKey: top?.key ?? null,
        }),
      ),
      check(
        softmaxGap,
        "The softmax row equals the head's attention row",
        "The softmax row differs from the head's attention row",
      ),
      section(
        '6. Weighted sum of v',
        `Each value vector times its weight, summed: the head's output for ${labels[i]} (${s.dv} numbers).`,
        this.values.element,
      ),
      check(
        outputGap,
        "Σ weight × v equals the head's output",
        "Σ weight × v differs from the head's output",
      ),
      section(
        '7. Where the output goes',
        "The heads' outputs are concatenated and projected back to the model's width.",
        outputDiagram(
          ctx.store.heads,
          s.head,
          s.dv,
          ctx.store.meta?.model.hiddenSize ?? s.dv * ctx.store.heads,
        ),
      ),
      positionsSection(positions, s.layer, s.head, ctx.palette),
    ];
  }

  private markQuery(query: number): void {
    for (const el of this.tokens.children) {
      const on = Number((el as HTMLElement).dataset.token) === query;
      el.setAttribute('aria-selected', String(on));
      el.classList.toggle('focused', on);
      if (on) this.tokens.setAttribute('aria-activedescendant', el.id);
    }
  }

  /** Focus travels as display units; a token maps to the unit that holds it. */
  private pick(token: number, pin: boolean): void {
    const unit = this.ctx?.units.unitOfToken[token];
    this.query = token;
    if (unit !== undefined && unit >= 0) this.host.focus(unit, pin);
    else this.draw();
  }

  private listen(): void {
    const tokenAt = (e: Event) => {
      const el = (e.target as HTMLElement).closest<HTMLElement>('.token');
      return el ? Number(el.dataset.token) : null;
    };
    this.tokens.addEventListener('click', (e) => {
      const t = tokenAt(e);
      if (t !== null) this.pick(t, true);
    });
    this.tokens.addEventListener('pointerover', (e) => {
      const t = tokenAt(e);
      if (t !== null && !this.focus.pinned) this.pick(t, false);
    });
    this.tokens.addEventListener('keydown', (e) => {
      const n = this.tokens.childElementCount;
      const at = this.query ?? n - 1;
      const next = {
        ArrowRight: at + 1,
        ArrowLeft: at - 1,
        ArrowDown: at + 1,
        ArrowUp: at - 1,
        Home: 0,
        End: n - 1,
      }[e.key];
      if (next !== undefined && n > 0) {
        e.preventDefault();
        this.pick(Math.max(0, Math.min(n - 1, next)), true);
      } else if (e.key === 'Enter' && this.focus.unit !== null) {
        this.host.reveal(this.focus.unit);
      }
    });
  }
}
