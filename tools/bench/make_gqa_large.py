#!/usr/bin/python3
"""Writes two decoder folders shaped like SmolLM2-135M (30 layers, 9 query heads over 3
key/value heads, d 576, MLP 1536, 49,152-row embedding; random weights), for comparing a
fused model-builder graph, opened up by us, with the same model exported unfused
(docs/performance.md, "Fused attention opened up"). Never committed: .cache/bench/.

  .cache/bench/smollm-gqa/     onnx/model.onnx (+ .data) and onnx/model_q4.onnx as ONNX
                               Runtime's model builder writes them (GroupQueryAttention,
                               MatMulNBits), via tools/fixtures/make_gqa_fixtures.py
  .cache/bench/smollm-unfused/ onnx/model.onnx: the Llama of tools/fixtures/hf_families.py at
                               the same shape, exported by torch.onnx (MatMul/Softmax)

Usage (from the repository root): /usr/bin/python3 tools/bench/make_gqa_large.py
"""
import os
import sys

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures'))
import make_gqa_fixtures as gqa  # noqa: E402
import make_hf_fixtures as hf  # noqa: E402
from hf_families import Llama  # noqa: E402

BENCH = os.path.join(ROOT, '.cache', 'bench')
LAYERS, HEADS, KV_HEADS, HIDDEN, MLP, ROWS, CONTEXT = 30, 9, 3, 576, 1536, 49152, 8192


def fused():
    gqa.OUT, gqa.TOKENIZER_FROM = BENCH, os.path.join(ROOT, 'test', 'fixtures', 'hf', 'llama')
    gqa.LAYERS, gqa.HIDDEN, gqa.HEADS, gqa.KV_HEADS, gqa.HEAD = LAYERS, HIDDEN, HEADS, KV_HEADS, HIDDEN // HEADS
    gqa.INTER, gqa.MAX_POS, gqa.VOCAB = MLP, CONTEXT, ROWS
    gqa.make('smollm-gqa', dict(gqa.VARIANTS['gqa-llama'], packed=False), reference=False)


def unfused():
    hf.OUT, hf.LAYERS, hf.MAX_POS = BENCH, LAYERS, CONTEXT
    tok, tok_config, vocab = hf.llama_tokenizer()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = Llama(ROWS, LAYERS, HEADS, KV_HEADS, HIDDEN)
    for block in model.layers:  # SmolLM2's MLP width (the fixture family uses 2 × d)
        block['gate_proj'] = nn.Linear(HIDDEN, MLP, bias=False)
        block['up_proj'] = nn.Linear(HIDDEN, MLP, bias=False)
        block['down_proj'] = nn.Linear(MLP, HIDDEN, bias=False)
    config = {'architectures': ['LlamaForCausalLM'], 'model_type': 'llama', 'num_hidden_layers': LAYERS,
              'num_attention_heads': HEADS, 'num_key_value_heads': KV_HEADS, 'hidden_size': HIDDEN,
              'intermediate_size': MLP, 'max_position_embeddings': CONTEXT, 'rope_theta': 10000.0,
              'rms_norm_eps': 1e-6, 'vocab_size': ROWS, 'tie_word_embeddings': False, 'hidden_act': 'silu'}
    specials = {'bos_token': tok_config['bos_token'], 'eos_token': tok_config['eos_token']}
    path = hf.folder('smollm-unfused', config, tok, tok_config, specials)
    os.makedirs(os.path.join(path, 'onnx'), exist_ok=True)
    inputs = ['input_ids', 'attention_mask', 'position_ids', *hf.past_names('past_key_values')]
    hf.export(model, hf.decoder_args(KV_HEADS, HIDDEN // HEADS), os.path.join(path, 'onnx', 'model.onnx'), inputs,
              ['logits', *hf.past_names('present')], hf.decoder_axes(), external=True)


if __name__ == '__main__':
    fused()
    unfused()
