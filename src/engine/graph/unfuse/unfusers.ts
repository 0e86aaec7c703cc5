/**
 * The one registry of fused operators we open up, keyed `domain:opType` (docs/model-format.md,
 * "Fused attention").
 */
import { unfuseGroupQueryAttention } from './groupQueryAttention';
import { OPTIMUM_UNFUSERS } from './optimumUnfusers';
import type { Unfuser } from './unfuser';

export const UNFUSERS: Readonly<Record<string, Unfuser>> = {
  'com.microsoft:GroupQueryAttention': unfuseGroupQueryAttention,
  ...OPTIMUM_UNFUSERS,
};
