#!/usr/bin/python3
"""Writes a decoder folder shaped like SmolLM2-135M with random weights, for measuring the
extension on a model of today's size (issue 28's sequence, issue 22's numbers). Never
committed: it goes to .cache/bench/smollm-like/ unless OUT_DIR is given.

Usage (from the repository root): /usr/bin/python3 tools/bench/make_smollm_like.py [OUT_DIR]

The Llama family of tools/fixtures/hf_families.py at SmolLM2-135M's shape: 30 layers, 9 query
heads over 3 key/value heads, d 576, MLP 1536, a 49,152-row embedding and an untied head
(~163M parameters, ~625 MiB fp32) in the Transformers.js layout (onnx/model.onnx, with past).
The tokenizer is the fixtures' small GPT-2 cut (ids stay below the embedding's rows).
"""
import os
import sys

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures'))
import make_hf_fixtures as hf  # noqa: E402
from hf_families import Llama  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '.cache', 'bench', 'smollm-like')
LAYERS, HEADS, KV_HEADS, HIDDEN, MLP, ROWS, CONTEXT = 30, 9, 3, 576, 1536, 49152, 8192


def main():
    hf.OUT, hf.LAYERS, hf.MAX_POS = os.path.dirname(OUT), LAYERS, CONTEXT
    tok, tok_config, vocab = hf.llama_tokenizer()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = Llama(ROWS, LAYERS, HEADS, KV_HEADS, HIDDEN)
    for block in model.layers:  # SmolLM2's MLP width (the fixture family uses 2 × d)
        block['gate_proj'] = nn.Linear(HIDDEN, MLP, bias=False)
        block['up_proj'] = nn.Linear(HIDDEN, MLP, bias=False)
        block['down_proj'] = nn.Linear(MLP, HIDDEN, bias=False)
    params = sum(p.numel() for p in model.parameters())
    config = {'architectures': ['LlamaForCausalLM'], 'model_type': 'llama', 'num_hidden_layers': LAYERS,
              'num_attention_heads': HEADS, 'num_key_value_heads': KV_HEADS, 'hidden_size': HIDDEN,
              'intermediate_size': MLP, 'max_position_embeddings': CONTEXT, 'rope_theta': 10000.0,
              'rms_norm_eps': 1e-6, 'vocab_size': ROWS, 'bos_token_id': vocab - 1, 'eos_token_id': vocab - 2,
              'tie_word_embeddings': False, 'hidden_act': 'silu'}
    specials = {'bos_token': tok_config['bos_token'], 'eos_token': tok_config['eos_token']}
    path = hf.folder(os.path.basename(OUT), config, tok, tok_config, specials)
    os.makedirs(os.path.join(path, 'onnx'), exist_ok=True)
    inputs = ['input_ids', 'attention_mask', 'position_ids', *hf.past_names('past_key_values')]
    onnx_path = os.path.join(path, 'onnx', 'model.onnx')
    hf.export(model, hf.decoder_args(KV_HEADS, HIDDEN // HEADS), onnx_path, inputs,
              ['logits', *hf.past_names('present')], hf.decoder_axes())
    print(f'{OUT}: {params / 1e6:.1f}M parameters, model.onnx {os.path.getsize(onnx_path) / 2**20:.0f} MiB')


if __name__ == '__main__':
    main()
