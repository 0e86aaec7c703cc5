#!/usr/bin/python3
"""Writes a BERT-base-shaped encoder (12 layers, 12 heads, d 768, 512 positions, random
weights, the hf/bert fixture's tokenizer) twice: as PyTorch exports it (plain
MatMul/Softmax) and as ONNX Runtime's transformer optimizer writes it (Attention,
EmbedLayerNormalization, SkipLayerNormalization, BiasGelu: tools/fixtures/fused_graphs.py),
for tools/bench/optimumBench.ts. Never committed: .cache/bench/bert-base-{unfused,optimized}/.

Usage (from the repository root): /usr/bin/python3 tools/bench/make_large_optimized.py
"""
import json
import os
import shutil
import sys

import onnx
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures'))
import fused_graphs  # noqa: E402
from hf_families import Bert  # noqa: E402

LAYERS, HEADS, D, POSITIONS = 12, 12, 768, 512
SOURCE = os.path.join(ROOT, 'test', 'fixtures', 'hf', 'bert')
OUT = os.path.join(ROOT, '.cache', 'bench')


def folder(name, config):
    path = os.path.join(OUT, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    for file in ('tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'):
        shutil.copy(os.path.join(SOURCE, file), path)
    with open(os.path.join(path, 'config.json'), 'w', encoding='utf-8') as f:
        json.dump(config, f, indent=1)
    return path


def main():
    config = json.load(open(os.path.join(SOURCE, 'config.json'), encoding='utf-8'))
    config.update(num_hidden_layers=LAYERS, num_attention_heads=HEADS, hidden_size=D,
                  intermediate_size=4 * D, max_position_embeddings=POSITIONS)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = Bert(config['vocab_size'], LAYERS, HEADS, D, POSITIONS, kind='bert').eval()
    model.probs = False
    names = ['input_ids', 'attention_mask', 'token_type_ids']
    ids = torch.arange(2, 10).unsqueeze(0)
    path = folder('bert-base-unfused', config)
    torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), os.path.join(path, 'model.onnx'),
                      input_names=names, output_names=['last_hidden_state'], opset_version=14,
                      dynamic_axes={n: {0: 'batch_size', 1: 'sequence_length'} for n in names + ['last_hidden_state']})
    path = folder('bert-base-optimized', config)
    onnx.save(fused_graphs.bert_optimized(model, LAYERS, HEADS, D), os.path.join(path, 'model.onnx'))
    print('written to', OUT)


if __name__ == '__main__':
    main()
