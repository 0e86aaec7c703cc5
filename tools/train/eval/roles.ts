/**
 * What the heads do on real code: for each role, every head's mean attention on the role's
 * targets, over the held-out code documents (first 512 tokens each, inspected through the
 * engine exactly as the extension does), next to what uniform attention would give.
 *
 * A role is a rule that names, for a query token, the key tokens a head with that role
 * attends to. `inductionTargets` is the same rule the summary view labels heads with.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inductionTargets } from '../../../src/engine/attention/inductionTargets';
import type { Token } from '../../../src/engine/types';
import { at, topHeads, type EvalContext } from './context';

/** One inspection: tokens with offsets and per-layer attention. */
export interface Inspected {
  text: string;
  tokens: Token[];
  attentions: Float32Array[];
}
export type Inspect = (text: string) => Promise<Inspected>;

interface Role {
  name: string;
  definition: string;
  /** Per query token, its target keys (empty: the query does not count). */
  targets(x: Inspected): number[][];
}

const isSpecial = (t: Token) => t.start === t.end;

/** The token holding each UTF-16 offset of the text (-1 between tokens). */
function tokenAt(x: Inspected): Int32Array {
  const owner = new Int32Array(x.text.length + 1).fill(-1);
  x.tokens.forEach((t, i) => {
    owner.fill(i, t.start, t.end);
  });
  return owner;
}

function bracketTargets(x: Inspected): number[][] {
  const owner = tokenAt(x);
  const out: number[][] = x.tokens.map(() => []);
  const stack: number[] = [];
  const end = x.tokens.length ? x.tokens[x.tokens.length - 1].end : 0;
  for (let c = 0; c < end; c++) {
    const ch = x.text[c];
    if ('([{'.includes(ch)) stack.push(c);
    else if (')]}'.includes(ch)) {
      const o = stack.pop();
      if (o === undefined || '([{'.indexOf(x.text[o]) !== ')]}'.indexOf(ch)) continue;
      const [q, k] = [owner[c], owner[o]];
      if (q > k + 1 && k >= 0) out[q] = [k];
    }
  }
  return out;
}

function lineStartTargets(x: Inspected): number[][] {
  const owner = tokenAt(x);
  return x.tokens.map((t, i) => {
    if (isSpecial(t) || x.text.slice(t.start, t.end).includes('\n')) return [];
    const nl = x.text.lastIndexOf('\n', t.start - 1);
    const k = nl >= 0 ? owner[nl] : -1;
    return k >= 0 && k < i - 1 ? [k] : [];
  });
}

export const ROLES: Role[] = [
  {
    name: 'previous token',
    definition: 'the token just before the query',
    targets: (x) => x.tokens.map((t, i) => (i >= 2 && !isSpecial(t) ? [i - 1] : [])),
  },
  {
    name: 'sink',
    definition: '`<|endoftext|>` at position 0, which the engine puts before every text',
    targets: (x) => x.tokens.map((t, i) => (i >= 1 && !isSpecial(t) ? [0] : [])),
  },
  {
    name: 'induction',
    definition:
      'the tokens that followed earlier occurrences of the query token (the summary view’s rule)',
    targets: (x) =>
      inductionTargets(
        x.tokens.map((t) => t.id),
        (i) => isSpecial(x.tokens[i]),
      ),
  },
  {
    name: 'duplicate token',
    definition: 'earlier occurrences of the query token itself',
    targets: (x) =>
      x.tokens.map((t, i) =>
        isSpecial(t) ? [] : x.tokens.slice(0, i - 1).flatMap((u, j) => (u.id === t.id ? [j] : [])),
      ),
  },
  {
    name: 'bracket matching',
    definition:
      'from a closing `)`, `]` or `}` to the token holding its opening bracket (matched on characters)',
    targets: bracketTargets,
  },
  {
    name: 'line start',
    definition:
      'the token holding the newline that began the query’s line (not the previous token)',
    targets: lineStartTargets,
  },
];

export interface RoleResult {
  name: string;
  definition: string;
  queries: number;
  scores: number[];
  uniform: number;
}

/** Scores every head for every role over the held-out code documents. */
export async function roleEvidence(
  c: EvalContext,
  inspect: Inspect,
  maxDocs = 1000,
): Promise<RoleResult[]> {
  const code = new Set(['py-stdlib', 'go-stdlib', 'npm-code']);
  const docs = fs
    .readFileSync(path.join(c.root, '.cache/train/corpus/test.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { src: string; text: string })
    .filter((d) => code.has(d.src))
    .slice(0, maxDocs);
  const H = c.layers * c.heads;
  const sums = ROLES.map(() => ({ queries: 0, uniform: 0, scores: new Float64Array(H) }));
  for (const d of docs) {
    const x = await inspect(d.text);
    const n = x.tokens.length;
    ROLES.forEach((role, r) => {
      const s = sums[r];
      role.targets(x).forEach((keys, i) => {
        if (keys.length === 0) return;
        s.queries++;
        s.uniform += keys.length / (i + 1);
        for (let k = 0; k < H; k++) {
          const a = x.attentions[Math.floor(k / c.heads)];
          for (const j of keys) s.scores[k] += at(a, n, k % c.heads, i, j);
        }
      });
    });
  }
  console.log(`role evidence over ${docs.length} held-out code documents`);
  return ROLES.map((role, r) => ({
    name: role.name,
    definition: role.definition,
    queries: sums[r].queries,
    scores: Array.from(sums[r].scores, (x) => x / Math.max(1, sums[r].queries)),
    uniform: sums[r].uniform / Math.max(1, sums[r].queries),
  }));
}

/** The roles as a Markdown table: best heads against the uniform baseline. */
export function rolesTable(heads: number, results: RoleResult[]): string {
  return [
    '| role | the head attends to | queries | best heads (mean weight on the targets) | uniform attention would give |',
    '| --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.definition} | ${r.queries} | ${topHeads(heads, r.scores)} | ${r.uniform.toFixed(3)} |`,
    ),
  ].join('\n');
}
