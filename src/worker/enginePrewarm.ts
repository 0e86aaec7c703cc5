/**
 * Starts the engine before the first inspection asks for it, so a new window's first view
 * does not wait for a process to start and onnxruntime's WASM to compile (docs/decisions.md,
 * "Prewarming the engine"): `atStartup`, a few seconds after VS Code reported its start-up
 * finished (the `attentionInspector.prewarm` setting), unless an inspection command came first.
 * A prewarm never fails loudly: its failure is logged, the half-started engine is dropped,
 * and the first command starts a fresh one as it would without a prewarm.
 */
import type { EngineClient } from './engineClient';

/** How long after start-up finished the prewarm waits: VS Code's own work comes first. */
export const PREWARM_DELAY_MS = 1000;

/** ~200 tokens of code, the size of a typical first selection. */
const WARM_TEXT = 'def add(a, b):\n    return a + b\n'.repeat(14);

/** What the prewarm needs of the extension. */
export interface PrewarmDeps {
  /** The engine client (`EngineHost.engine`); asking for it creates it. */
  engine(): EngineClient;
  /** Drops the engine client, so the next request starts a fresh engine (`EngineHost.restart`). */
  restart(): Promise<void>;
  /**
   * The model folder to load and run once ahead, or undefined for the runtime only: only a
   * model whose load is cheap and bounded (the bundled one), never any folder.
   */
  warmModel(): { modelDir: string } | undefined;
  log(line: string): void;
}

export class EnginePrewarm {
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  /** An inspection command came: the prewarm's own run must not supersede its run. */
  private commanded = false;

  constructor(private readonly deps: PrewarmDeps) {}

  /**
   * VS Code's start-up finished (the extension activates then): with the setting on, prewarms
   * `delayMs` from now unless a command started the engine first; off, does nothing.
   */
  atStartup(enabled: boolean, delayMs = PREWARM_DELAY_MS): void {
    this.cancel();
    if (!enabled) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.warm();
    }, delayMs);
    // A window closing in the meantime is not kept open for it.
    this.timer.unref?.();
  }

  /**
   * An inspection command is starting: a prewarm not yet due is not needed any more (the
   * command's request starts the engine), and one under way must not run over its run.
   */
  commandStarting(): void {
    this.cancel();
    this.commanded = true;
    this.started = true;
  }

  /** Resolves when the prewarm ended, well or not (tests). */
  async warm(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const began = Date.now();
    if (!(await this.startEngine())) return;
    const model = this.deps.warmModel();
    if (model && !this.commanded) {
      try {
        const engine = this.deps.engine();
        await engine.loadModel(model.modelDir);
        if (!this.commanded && engine.idle) await warmRun(engine, model.modelDir);
      } catch (error) {
        // A command that came meanwhile superseded the run, or the folder is unreadable: the
        // command reports what matters.
        this.deps.log(`prewarm: the model's warm-up ended early (${message(error)})`);
        return;
      }
    }
    this.deps.log(
      `prewarm: engine ready${model ? ' with the bundled model' : ''} in ${Date.now() - began} ms`,
    );
  }

  /** True when the engine answered; false (logged, engine dropped) when it did not. */
  private async startEngine(): Promise<boolean> {
    const engine = this.deps.engine();
    try {
      await engine.start();
      return true;
    } catch (error) {
      this.deps.log(
        `prewarm: the engine did not start (${message(error)}); the next command starts it`,
      );
      this.started = false;
      await this.deps.restart().catch(() => undefined);
      return false;
    }
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.cancel();
  }
}

/**
 * One run as a first view makes it (held, then every layer's overview), at the size of a
 * typical selection: V8 compiles onnxruntime's kernels on their first call and the graphs'
 * sessions are made on first use, so the command's run then finds them ready.
 */
async function warmRun(engine: EngineClient, modelDir: string): Promise<void> {
  const request = { modelDir, text: WARM_TEXT, maxTokens: 256, topK: 5 };
  const held = await engine.inspectHeld(request).result;
  try {
    const asked = held.stacks.flatMap(({ kind, layers }) =>
      Array.from({ length: layers }, (_, layer) => engine.overview(held.resultId, kind, layer)),
    );
    await Promise.all(asked);
  } finally {
    await engine.release(held.resultId);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}
