/**
 * Which layers' sliding windows a run applied (AttentionStack.windows). config.json may name
 * a window the exported graph does not compute, so a window is only reported when the
 * attention itself says so: every weight on a key further back than the window is zero.
 */
import type { AttentionFeatures, AttentionStack } from '../types';

/** Weights at or below this count as masked (ONNX Runtime's −10000 mask leaves exp ≈ 0). */
const MASKED = 1e-7;

/** Per layer, the window of `features` that layer applies (or null). */
export function windowsOf(
  features: AttentionFeatures | undefined,
  layers: number,
  applies: (layer: number, size: number) => boolean = () => true,
): (number | null)[] | undefined {
  const window = features?.slidingWindow;
  if (!window) return undefined;
  const windows = Array.from({ length: layers }, (_, l) =>
    window.layers.includes(l) && applies(l, window.size) ? window.size : null,
  );
  return windows.some((w) => w !== null) ? windows : undefined;
}

/** `stack` with the windows its `[heads, rows, cols]` layers show applied. */
export function withTensorWindows(
  stack: AttentionStack,
  layers: readonly Float32Array[],
  features: AttentionFeatures | undefined,
): AttentionStack {
  if (stack.kind !== 'encoder') return stack;
  const windows = windowsOf(features, stack.layers, (l, size) =>
    hidesOutside(layers[l], stack, size),
  );
  return windows ? { ...stack, windows } : stack;
}

function hidesOutside(weights: Float32Array, stack: AttentionStack, size: number): boolean {
  const { heads, rows, cols } = stack;
  for (let h = 0; h < heads; h++) {
    for (let i = size; i < rows; i++) {
      const row = (h * rows + i) * cols;
      for (let j = 0; j <= i - size; j++) if (weights[row + j] > MASKED) return false;
    }
  }
  return true;
}
