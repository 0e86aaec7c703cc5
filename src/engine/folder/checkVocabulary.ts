import { modelError } from '../modelError';
import type { FolderSource } from './exportFolder';

/** The tokenizer's ids fit the embedding and it has every special token of the policy. */
export function checkVocabulary(source: FolderSource, label: string): void {
  const { manifest, vocabulary } = source;
  const from = manifest.factsFrom ?? 'manifest.json';
  if (vocabulary.size > manifest.vocabSize) {
    throw modelError(
      'vocabMismatch',
      label,
      'tokenizer.json',
      `has token ids up to ${vocabulary.size - 1}, but ${from === 'manifest.json' ? 'manifest.json says "vocabSize": ' : `the model's embedding has rows for `}${manifest.vocabSize}`,
      from === 'manifest.json'
        ? 'Use the tokenizer that belongs to this model, or fix "vocabSize".'
        : 'Use the tokenizer that belongs to this model.',
    );
  }
  const { prepend, append } = manifest.specialTokens;
  const absent = [...prepend, ...append].find((t) => !vocabulary.ids.has(t));
  if (absent !== undefined) {
    throw modelError(
      'missingSpecialToken',
      label,
      'tokenizer.json',
      from === 'manifest.json'
        ? `has no token "${absent}", which manifest.json's "specialTokens" adds`
        : `has no token "${absent}", which its post_processor or tokenizer_config.json adds`,
      from === 'manifest.json'
        ? 'Fix "specialTokens" in manifest.json or add the token to the tokenizer.'
        : 'Use the tokenizer files saved with the model.',
    );
  }
}
