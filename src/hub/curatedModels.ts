/**
 * The models the download command offers first: small, public (not gated) repositories that
 * hold an ONNX export next to `config.json` and `tokenizer.json`. Where the original
 * repository has no ONNX graph, its Transformers.js port is listed (`Xenova/…`,
 * `onnx-community/…`). Any other repository id can be typed in.
 *
 * Each entry has a fixture folder of the same tokenizer shape, config family and graph
 * layout under test/fixtures/hf (test/unit/hub/curatedFixtures.test.ts): add one with a new
 * entry, or that test fails.
 */

/** One entry of the list. */
export interface CuratedModel {
  repo: string;
  /** What it is, for the picker. */
  label: string;
  /** Family and size, for the picker. */
  description: string;
}

export const CURATED_MODELS: readonly CuratedModel[] = [
  {
    repo: 'Xenova/gpt2',
    label: 'GPT-2',
    description: 'decoder · 124M parameters · 12 layers × 12 heads',
  },
  {
    repo: 'Xenova/distilgpt2',
    label: 'DistilGPT-2',
    description: 'decoder · 82M · 6 layers × 12 heads',
  },
  {
    repo: 'Xenova/bert-base-uncased',
    label: 'BERT base (uncased)',
    description: 'encoder · 110M · 12 layers × 12 heads',
  },
  {
    repo: 'Xenova/all-MiniLM-L6-v2',
    label: 'all-MiniLM-L6-v2',
    description: 'sentence encoder (BERT) · 22M · 6 layers × 12 heads',
  },
  {
    repo: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    label: 'SmolLM2 135M Instruct',
    description: 'Llama-style decoder · 135M · 30 layers × 9 heads (3 key/value)',
  },
  {
    repo: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    label: 'SmolLM2 360M Instruct',
    description: 'Llama-style decoder · 362M · 32 layers × 15 heads (5 key/value)',
  },
  {
    repo: 'onnx-community/Qwen2.5-0.5B-Instruct',
    label: 'Qwen2.5 0.5B Instruct',
    description: 'Qwen2 decoder · 494M · 24 layers × 14 heads (2 key/value)',
  },
  {
    repo: 'onnx-community/Qwen2.5-Coder-0.5B-Instruct',
    label: 'Qwen2.5-Coder 0.5B Instruct',
    description: 'Qwen2 decoder for code · 494M · 24 layers × 14 heads (2 key/value)',
  },
  {
    repo: 'Xenova/TinyLlama-1.1B-Chat-v1.0',
    label: 'TinyLlama 1.1B Chat',
    description:
      'Llama 2 decoder, SentencePiece tokenizer · 1.1B · 22 layers × 32 heads (4 key/value) · 1.1 GB quantized',
  },
];
