/**
 * How far the engine's norms and logit lens stand from a reference (PyTorch's numbers or the
 * engine's own other path): the measures the norms, lens and background tests share.
 */
import assert from 'node:assert/strict';
import type { LogitLensLayer, Prediction } from '../../../src/engine/types';

/** Largest |a − b| over each row's largest |b| (rows of `width`). */
export function worstRelative(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  width: number,
): number {
  assert.equal(got.length, want.length);
  let worst = 0;
  for (let at = 0; at < want.length; at += width) {
    let max = 0;
    for (let j = 0; j < width; j++) max = Math.max(max, Math.abs(want[at + j]));
    for (let j = 0; j < width; j++) {
      worst = Math.max(worst, Math.abs(got[at + j] - want[at + j]) / max);
    }
  }
  return worst;
}

/** Largest |a − b| per row of `expected` over that row's largest |value|. */
export function worstRelativeToRowMax(got: Float32Array, expected: number[][]): number {
  const cols = expected[0].length;
  assert.equal(got.length, expected.length * cols);
  return worstRelative(got, expected.flat(), cols);
}

/**
 * Asserts every layer's top ids at every position of a lens table (`LogitLens.all`) equal the
 * reference's (`reference[layer][position]`); returns the largest probability difference.
 */
export function worstLensDifference(
  table: LogitLensLayer[][],
  reference: { id: number; prob: number }[][][],
): number {
  let worst = 0;
  for (const [position, layers] of table.entries()) {
    for (const { layer, predictions: got } of layers) {
      const want = reference[layer][position];
      assert.deepEqual(
        got.map((p) => p.id),
        want.map((p) => p.id),
        `layer ${layer}, position ${position}`,
      );
      for (const [r, p] of got.entries()) worst = Math.max(worst, Math.abs(p.prob - want[r].prob));
    }
  }
  return worst;
}

/**
 * Asserts the lens's last layer has the model's own top ids at every position; returns the
 * largest probability difference from the model's own.
 */
export function lastLayerAgainstOwn(
  table: LogitLensLayer[][],
  predictions: Prediction[][] | undefined,
): number {
  let worst = 0;
  for (const [position, layers] of table.entries()) {
    const last = layers[layers.length - 1].predictions;
    const own = predictions?.[position] ?? [];
    assert.deepEqual(
      last.map((p) => p.id),
      own.map((p) => p.id),
      `position ${position}: the last layer is the model's own prediction`,
    );
    for (const [r, p] of last.entries()) worst = Math.max(worst, Math.abs(p.prob - own[r].prob));
  }
  return worst;
}

/** Largest |a − b| over two arrays of the same length. */
export function worstDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
  return worst;
}

/**
 * Equal within `tolerance` everywhere; by default float32 rounding (the engine computes slices
 * of few rows in float64, blocks in float32).
 */
export function assertClose(actual: Float32Array, expected: Float32Array, tolerance = 1e-6): void {
  const worst = worstDifference(actual, expected);
  assert.ok(worst <= tolerance, `differs by ${worst}`);
}
