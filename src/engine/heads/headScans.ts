/**
 * Where the engine keeps what head scans run on: per model folder, variant and window
 * length, the window attention (windowAttention.ts), made on the first scan and released
 * with the engine's other models.
 */
import type { ModelFiles } from '../folder/modelFiles';
import type { GraphVariant } from '../folder/onnxGraphFiles';
import type { LoadedModel } from '../inference/loadedModel';
import { HeadScan, scanWindowTokens } from './headScan';
import type { HeadScanOptions } from './headScanTypes';

export type { HeadScanOptions } from './headScanTypes';
import { patternRule } from './headPatterns';
import { type WindowAttention, windowAttention } from './windowAttention';

export class HeadScans {
  private readonly sessions = new Map<string, Promise<WindowAttention>>();

  /** A new scan of `model` (its folder read through `files`); a bad pattern fails before any load. */
  async start(
    model: LoadedModel,
    files: ModelFiles,
    options: HeadScanOptions,
    variant?: GraphVariant,
  ): Promise<HeadScan> {
    patternRule(options);
    const tokens = scanWindowTokens(model, options.windowTokens);
    const key = `${model.info.dir}\n${variant ?? ''}\n${tokens}`;
    let attention = this.sessions.get(key);
    if (!attention) {
      attention = windowAttention(model, files, tokens, variant);
      this.sessions.set(key, attention);
      attention.catch(() => this.sessions.delete(key));
    }
    return new HeadScan(model, await attention, options);
  }

  /** Frees every session kept for scans. */
  async release(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.then((a) => a.release()).catch(() => undefined)));
  }
}
