/**
 * The unfusers for the attention of Optimum-optimized (ONNX Runtime transformer optimizer)
 * BERT and GPT-2 exports and of the ONNX opset-23 `Attention` op; part of the one registry
 * in unfusers.ts. The other fused ops of those exports (SkipLayerNormalization,
 * EmbedLayerNormalization, FastGelu, BiasGelu, MatMulInteger …) run as they are.
 */
import { unfuseAttention } from './attentionOp';
import { float32Inside } from './float32Inside';
import { unfuseMultiHeadAttention } from './multiHeadAttention';
import { unfuseOnnxAttention } from './onnxAttention';
import type { Unfuser } from './unfuser';

export const OPTIMUM_UNFUSERS: Readonly<Record<string, Unfuser>> = {
  // Float inputs: input, weights, bias, past, attention_bias.
  'com.microsoft:Attention': float32Inside(unfuseAttention, [0, 1, 2, 4, 5]),
  // Float inputs: query, key, value, bias, attention_bias, past_key, past_value.
  'com.microsoft:MultiHeadAttention': float32Inside(
    unfuseMultiHeadAttention,
    [0, 1, 2, 3, 5, 6, 7],
  ),
  ':Attention': unfuseOnnxAttention,
};
