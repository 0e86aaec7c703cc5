/**
 * What the inspection's progress notification says while the engine works, from the stages
 * it announces (src/engine/stage.ts): loading, tokenizing, the forward pass on N tokens (one
 * graph run: onnxruntime reports nothing inside it), then the per-layer work after it as
 * "layer k/L: …", and a continuation's steps as "token k/N…". The attention kernel's own runs
 * inside a layer's work keep the layer shown, a step's own graph run keeps its token shown.
 */
import type { EngineStage } from '../engine/stage';

export class StageProgress {
  private inLayers = false;
  /** A continuation's step was told: its own graph run keeps "token k/N" shown. */
  private inStep = false;

  /** The message for `stage`, or undefined to keep the one shown. */
  next(stage: EngineStage): string | undefined {
    const stepRun = this.inStep && stage.kind === 'run' && !stage.layer;
    this.inStep = stage.step !== undefined;
    if (stage.step) return `token ${stage.step.index + 1}/${stage.step.count}…`;
    if (stepRun) return undefined;
    if (stage.layer) {
      this.inLayers = true;
      return stage.label;
    }
    if (this.inLayers && stage.kind === 'run') return undefined;
    this.inLayers = false;
    if (stage.kind === 'load') return 'loading the model…';
    if (stage.kind === 'text') return 'tokenizing…';
    return stage.tokens ? `forward pass on ${stage.tokens} tokens…` : 'running the model…';
  }
}
