import { modelError, parseJsonFile } from './modelError';

/** An entry of `added_tokens` in a Hugging Face `tokenizer.json`. */
export interface AddedToken {
  id: number;
  content: string;
  special?: boolean;
  [key: string]: unknown;
}

/** A parsed Hugging Face `tokenizer.json`, typed as far as the engine relies on it. */
export interface TokenizerJson {
  model: { type?: string; vocab: unknown; [key: string]: unknown };
  added_tokens?: AddedToken[];
  [key: string]: unknown;
}

/** The token strings and ids a tokenizer can produce. */
export interface TokenizerVocabulary {
  /** Token string → id, model vocabulary and added tokens together. */
  ids: Map<string, number>;
  /** Largest id + 1: the embedding needs at least this many rows. */
  size: number;
}

const FILE = 'tokenizer.json';
const ADVICE = 'Use the tokenizer.json saved with the model (tokenizer.save_pretrained).';

/** Parses `tokenizer.json` and reads its vocabulary (BPE, WordPiece, WordLevel or Unigram). */
export function parseTokenizer(
  bytes: Uint8Array,
  label: string,
): { json: TokenizerJson; vocabulary: TokenizerVocabulary } {
  const fail = (what: string) => modelError('badTokenizer', label, FILE, what, ADVICE);
  const json = parseJsonFile(bytes, label, FILE, ADVICE) as TokenizerJson;
  if (typeof json?.model !== 'object' || json.model === null) {
    throw fail('has no "model" object, so it is not a Hugging Face tokenizer file');
  }
  const ids = new Map<string, number>();
  const vocab = json.model.vocab;
  if (Array.isArray(vocab)) {
    // Unigram: [[piece, score], ...], the id is the position.
    vocab.forEach((entry, id) => ids.set(String((entry as unknown[])[0]), id));
  } else if (typeof vocab === 'object' && vocab !== null) {
    for (const [token, id] of Object.entries(vocab)) {
      if (!Number.isInteger(id) || (id as number) < 0) throw fail(`gives "${token}" the id ${id}`);
      ids.set(token, id as number);
    }
  } else {
    throw fail(`has no vocabulary in model.vocab (model type ${json.model.type ?? 'unknown'})`);
  }
  for (const added of json.added_tokens ?? []) {
    if (!Number.isInteger(added?.id) || typeof added?.content !== 'string') {
      throw fail(`has a malformed added_tokens entry ${JSON.stringify(added)}`);
    }
    ids.set(added.content, added.id);
  }
  if (ids.size === 0) throw fail('has an empty vocabulary');
  let size = 0;
  for (const id of ids.values()) size = Math.max(size, id + 1);
  return { json, vocabulary: { ids, size } };
}
