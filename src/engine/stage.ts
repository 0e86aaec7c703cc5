/**
 * What the engine is doing now, told to whoever hosts it before each piece of long
 * synchronous work (loading, a file-supplied pattern, a graph run). A worker blocked in
 * such work cannot answer; its host's watchdog (src/worker/watchdog.ts) uses the last stage
 * to bound it and to say, when it stops the worker, what was running.
 */

/** One piece of work; the sizes scale its deadline (src/worker/runDeadline.ts). */
export interface EngineStage {
  /** For people, naming the file and part, e.g. `tokenizer.json: normalizer Replace pattern "…"`. */
  label: string;
  /** `load`: reading and compiling a model; `run`: a graph run; `text`: tokenizing. */
  kind: 'load' | 'run' | 'text';
  /** Bytes of the graph and its weights, when known. */
  modelBytes?: number;
  /** Tokens the run covers, when known. */
  tokens?: number;
  /** Work done a layer at a time: which layer (0-based) of how many; the label says `layer k/L`. */
  layer?: { index: number; count: number };
  /** A continuation's step: which new token (0-based) of at most how many; the label says `token k/N`. */
  step?: { index: number; count: number };
}

/** The stage of per-layer work `what` on layer `index` of `count` ("layer 3/30: …"). */
export function layerStage(
  what: string,
  index: number,
  count: number,
  tokens?: number,
): EngineStage {
  return {
    label: `layer ${index + 1}/${count}: ${what}`,
    kind: 'run',
    layer: { index, count },
    ...(tokens === undefined ? {} : { tokens }),
  };
}

/** The stage of writing new token `index` of at most `count`, over `tokens` tokens so far. */
export function tokenStage(index: number, count: number, tokens: number): EngineStage {
  return {
    label: `token ${index + 1}/${count}: running on ${tokens} tokens`,
    kind: 'run',
    step: { index, count },
    tokens,
  };
}

let listener: ((stage: EngineStage) => void) | undefined;
let current: EngineStage | undefined;

/** Installs the host's listener (the worker's entry); one per thread. */
export function onStage(handler: ((stage: EngineStage) => void) | undefined): void {
  listener = handler;
}

/** A new request begins: its first stage is announced even if it repeats the last one. */
export function forgetStage(): void {
  current = undefined;
}

/** Announces `stage`; a repeat of the current one is not sent again. */
export function enterStage(stage: EngineStage): void {
  if (
    current &&
    current.label === stage.label &&
    current.tokens === stage.tokens &&
    current.kind === stage.kind
  )
    return;
  current = stage;
  listener?.(stage);
}

/** Runs `work` as `stage`, then announces the stage that was current before it again. */
export function withStage<T>(stage: EngineStage, work: () => T): T {
  const before = current;
  enterStage(stage);
  try {
    return work();
  } finally {
    if (before) enterStage(before);
  }
}
