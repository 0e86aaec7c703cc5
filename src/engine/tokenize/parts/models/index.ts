/** tokenizer.json's `model`: the algorithm that turns each word into vocabulary tokens. */
import { partAt, unsupportedType } from '../fileError';
import { BpeModel } from './bpe';
import type { Model } from './model';
import { UnigramModel } from './unigram';
import { WordPieceModel } from './wordPiece';

export type { Model } from './model';

/** The model types supported: the one list of them (docs/model-format.md repeats it). */
export const MODELS: Record<string, new (json: Record<string, unknown>, field: string) => Model> = {
  BPE: BpeModel,
  WordPiece: WordPieceModel,
  Unigram: UnigramModel,
};

export function modelOf(value: unknown): Model {
  const json = partAt(value, 'model');
  const type = String(json.type);
  const Part = Object.hasOwn(MODELS, type) ? MODELS[type] : undefined;
  if (!Part) throw unsupportedType('model', json.type, Object.keys(MODELS));
  return new Part(json, 'model');
}
