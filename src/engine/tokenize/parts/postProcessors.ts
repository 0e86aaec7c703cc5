/**
 * tokenizer.json's `post_processor` adds special tokens around a text; which ones is read by
 * src/engine/folder/specialTokenTemplate.ts (the one home of that policy). The tokenizer only
 * checks at load that every processor is one of these, naming the field otherwise. Offsets are
 * never trimmed (`trim_offsets` is ignored) so that tokens tile the text.
 */
import { partAt, partsAt, unsupportedType } from './fileError';

/** The post-processor types supported: the one list of them (docs/model-format.md repeats it). */
export const POST_PROCESSORS = [
  'TemplateProcessing',
  'BertProcessing',
  'RobertaProcessing',
  'ByteLevel',
  'Sequence',
] as const;

export function checkPostProcessor(value: unknown, field = 'post_processor'): void {
  if (value === null || value === undefined) return;
  const json = partAt(value, field);
  if (!POST_PROCESSORS.includes(json.type as (typeof POST_PROCESSORS)[number])) {
    throw unsupportedType(field, json.type, POST_PROCESSORS);
  }
  if (json.type === 'Sequence') {
    partsAt(json.processors, `${field}.processors`).forEach((part, i) => {
      checkPostProcessor(part, `${field}.processors[${i}]`);
    });
  }
}
