import { modelError, parseJsonFile } from '../modelError';

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
    vocab.forEach((entry, id) => {
      ids.set(String((entry as unknown[])[0]), id);
    });
  } else if (typeof vocab === 'object' && vocab !== null) {
    for (const [token, id] of Object.entries(vocab)) {
      if (!Number.isInteger(id) || (id as number) < 0) throw fail(`gives "${token}" the id ${id}`);
      ids.set(token, id as number);
    }
  } else {
    throw fail(`has no vocabulary in model.vocab (model type ${json.model.type ?? 'unknown'})`);
  }
  if (json.added_tokens !== undefined && !Array.isArray(json.added_tokens)) {
    throw fail('has "added_tokens" that is not a list');
  }
  (json.added_tokens ?? []).forEach((added, i) => {
    if (!Number.isInteger(added?.id) || typeof added?.content !== 'string') {
      throw fail(
        `has a malformed entry added_tokens[${i}] (it needs an integer "id" and a string "content")`,
      );
    }
    ids.set(added.content, added.id);
  });
  if (ids.size === 0) throw fail('has an empty vocabulary');
  if (json.model.type === 'BPE') checkMerges(json.model.merges, fail);
  let size = 0;
  for (const id of ids.values()) size = Math.max(size, id + 1);
  return { json, vocabulary: { ids, size } };
}

/** BPE merges are `"a b"` strings or `["a", "b"]` pairs; anything else would fail later, unnamed. */
function checkMerges(merges: unknown, fail: (what: string) => Error): void {
  if (!Array.isArray(merges)) {
    throw fail(
      `has no list of BPE merges in model.merges (found ${merges === undefined ? 'nothing' : typeof merges})`,
    );
  }
  const bad = merges.findIndex(
    (m) =>
      !(typeof m === 'string' && m.split(' ').length === 2) &&
      !(Array.isArray(m) && m.length === 2 && m.every((part) => typeof part === 'string')),
  );
  if (bad >= 0)
    throw fail(`has a malformed BPE merge at model.merges[${bad}] (expected "a b" or ["a", "b"])`);
}
