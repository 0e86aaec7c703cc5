/**
 * How attention weights cross the host → webview bridge: fixed point in a Uint16Array
 * (w × 65535, rounded), half the bytes of float32 and about a quarter after the WebSocket
 * deflate of remote windows (code-server, Remote-SSH), where moving the tensors, not
 * computing them, was most of the first view at 512 tokens (docs/performance.md). The
 * error is at most 1/131070 ≈ 7.6e-6, far below the 3 decimals a view shows; exports and
 * the editor's hovers use the host's float32 result.
 */

/** The weight 1 on the wire. */
export const WIRE_ONE = 65535;

/** Largest difference between a weight and what the webview holds after the trip. */
export const WIRE_RESOLUTION = 1 / (2 * WIRE_ONE);

/** Decimal places of a weight that survive the trip (what the panel's CSV copies). */
export const WIRE_DECIMALS = 5;

/** Packs weights in [0, 1] (anything else is clamped) for the trip. */
export function packWeights(weights: Float32Array): Uint16Array {
  const packed = new Uint16Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    // NaN compares false both ways and lands on 0; a broken row is refused before this.
    packed[i] = w >= 1 ? WIRE_ONE : w > 0 ? (w * WIRE_ONE + 0.5) | 0 : 0;
  }
  return packed;
}

/** The weights again, as the views work on them. */
export function unpackWeights(packed: Uint16Array): Float32Array {
  const weights = new Float32Array(packed.length);
  const scale = 1 / WIRE_ONE;
  for (let i = 0; i < packed.length; i++) weights[i] = packed[i] * scale;
  return weights;
}
