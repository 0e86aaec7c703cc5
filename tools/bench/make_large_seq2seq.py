#!/usr/bin/python3
"""Writes an opus-mt-sized Marian export folder with random weights, for the encoder-decoder
benchmark (tools/bench/seq2seqBench.ts --model DIR). Never committed: it goes to
.cache/bench/large-seq2seq/.

Usage (from the repository root; Debian's python3-torch, python3-onnx, python3-sentencepiece):
    /usr/bin/python3 tools/bench/make_large_seq2seq.py [OUT_DIR]

Helsinki-NLP/opus-mt-en-de's sizes: 6 + 6 layers, 8 heads, d 512, FFN 2048, a 58,101-row
vocabulary (~74M parameters), in Optimum's layout (encoder_model.onnx, decoder_model.onnx,
decoder_with_past_model.onnx), made by the fixture script's exporter. The tokenizer is the
fixture's 131-piece one: the source is tokenized with it, and the benchmark never spells the
generated ids. Weights are random (seed 0): speed does not depend on them.
"""
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures'))
import make_seq2seq_fixtures as fixtures  # noqa: E402
import seq2seq_tokenizers  # noqa: E402
from hf_seq2seq import Marian  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '.cache', 'bench', 'large-seq2seq')
LAYERS, HEADS, D, D_FF, VOCAB = 6, 8, 512, 2048, 58101


def main():
    fixtures.LAYERS = LAYERS  # the cache inputs' and outputs' names are made per layer
    tok, tok_config, special_map, _, _ = seq2seq_tokenizers.marian_tokenizer()
    pad, eos = len(tok['model']['vocab']) - 1, 0
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = Marian(VOCAB, LAYERS, HEADS, D, D_FF, 512).eval()
    config = {'architectures': ['MarianMTModel'], 'model_type': 'marian', 'd_model': D, 'encoder_layers': LAYERS,
              'decoder_layers': LAYERS, 'encoder_attention_heads': HEADS, 'decoder_attention_heads': HEADS,
              'encoder_ffn_dim': D_FF, 'decoder_ffn_dim': D_FF, 'activation_function': 'swish',
              'max_position_embeddings': 512, 'scale_embedding': True, 'static_position_embeddings': True,
              'is_encoder_decoder': True, 'tie_word_embeddings': True, 'vocab_size': VOCAB,
              'pad_token_id': pad, 'eos_token_id': eos, 'decoder_start_token_id': pad, 'decoder_vocab_size': VOCAB}
    generation = {'bad_words_ids': [[pad]], 'decoder_start_token_id': pad, 'eos_token_id': eos,
                  'pad_token_id': pad}
    fixtures.write_folder(OUT, config, generation, tok, tok_config, special_map)
    with torch.no_grad():
        fixtures.export_all(model, OUT, merged=False)
    params = sum(p.numel() for p in model.parameters())
    size = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f'{OUT}: {params / 1e6:.0f}M parameters, {size / 2**20:.0f} MiB')


if __name__ == '__main__':
    main()
