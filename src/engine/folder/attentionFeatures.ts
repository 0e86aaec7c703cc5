/**
 * Sliding window and soft-capping as config.json states them, for graphs that do not name
 * them (unfused exports compute the window into their mask): Mistral's `sliding_window`
 * (every layer), Qwen2's `use_sliding_window` (layers from `max_window_layers` on), Gemma 2
 * and 3's `layer_types` or alternating local layers, Gemma 2's `attn_logit_softcapping`.
 * What a fused node's attributes say (graph/graphFacts.ts) comes first.
 */
import type { AttentionFeatures } from '../types';

export function withConfigFeatures(
  graph: AttentionFeatures,
  config: Record<string, unknown>,
  layers: number,
): AttentionFeatures {
  const features: AttentionFeatures = { ...graph };
  const window = slidingWindow(config, layers);
  if (!features.slidingWindow && window) features.slidingWindow = window;
  const cap = config.attn_logit_softcapping;
  if (!features.softcap && typeof cap === 'number' && cap > 0)
    features.softcap = { value: cap, from: 'config.json' };
  return features;
}

function slidingWindow(
  config: Record<string, unknown>,
  layers: number,
): AttentionFeatures['slidingWindow'] {
  const size = config.sliding_window;
  if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) return undefined;
  const all = Array.from({ length: layers }, (_, i) => i);
  let windowed: number[];
  const types = config.layer_types;
  if (Array.isArray(types)) windowed = all.filter((i) => types[i] === 'sliding_attention');
  else if (config.model_type === 'qwen2' || config.model_type === 'qwen2_moe') {
    if (config.use_sliding_window !== true) return undefined;
    const from = typeof config.max_window_layers === 'number' ? config.max_window_layers : 0;
    windowed = all.filter((i) => i >= from);
  } else if (config.model_type === 'gemma2') windowed = all.filter((i) => i % 2 === 0);
  else if (config.model_type === 'gemma3_text' || config.model_type === 'gemma3') {
    const pattern =
      typeof config.sliding_window_pattern === 'number' ? config.sliding_window_pattern : 6;
    windowed = all.filter((i) => (i + 1) % pattern !== 0);
  } else if (config.use_sliding_window === false) return undefined;
  else windowed = all;
  return windowed.length > 0 ? { size, layers: windowed, from: 'config.json' } : undefined;
}
