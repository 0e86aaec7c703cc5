/**
 * The unfusers for the attention of Optimum-optimized (ONNX Runtime transformer optimizer)
 * BERT and GPT-2 exports and of the ONNX opset-23 `Attention` op; part of the one registry
 * in unfusers.ts. The other fused ops of those exports (SkipLayerNormalization,
 * EmbedLayerNormalization, FastGelu, BiasGelu, MatMulInteger …) run as they are.
 */
import { unfuseAttention } from './attentionOp';
import { unfuseMultiHeadAttention } from './multiHeadAttention';
import { unfuseOnnxAttention } from './onnxAttention';
import type { Unfuser } from './unfuser';

export const OPTIMUM_UNFUSERS: Readonly<Record<string, Unfuser>> = {
  'com.microsoft:Attention': unfuseAttention,
  'com.microsoft:MultiHeadAttention': unfuseMultiHeadAttention,
  ':Attention': unfuseOnnxAttention,
};
