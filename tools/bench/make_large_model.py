#!/usr/bin/python3
"""Writes a ~100M-parameter model folder with random weights, for the load benchmark
(tools/bench/loadBench.ts). Never committed: it goes to .cache/bench/large-model/.

Usage (from the repository root): /usr/bin/python3 tools/bench/make_large_model.py [OUT_DIR]

The bundled model's architecture (tools/train/model.py) at GPT-2-small width: 14 layers,
12 heads, d 768, the bundled 8192-token tokenizer, context 512; ~106M parameters, a
~425 MB model.onnx. Weights are random (seed 0): loading cost does not depend on them.
"""
import json
import os
import shutil
import sys

import onnx
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'train'))
from model import GPT  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '.cache', 'bench', 'large-model')
BUNDLED = os.path.join(ROOT, 'models', 'mini-code-gpt')
VOCAB, D, LAYERS, HEADS, CTX = 8192, 768, 14, 12, 512

torch.manual_seed(0)
torch.set_num_threads(1)
model = GPT(VOCAB, D, LAYERS, HEADS, CTX).eval()
params = sum(p.numel() for p in model.parameters())


class Wrapped(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids):
        logits, atts = self.m(input_ids)
        return (logits, *atts)


os.makedirs(OUT, exist_ok=True)
path = os.path.join(OUT, 'model.onnx')
names = ['logits'] + [f'attn_{i}' for i in range(LAYERS)]
dyn = {'input_ids': {0: 'batch', 1: 'sequence'}, 'logits': {0: 'batch', 1: 'sequence'}}
dyn.update({f'attn_{i}': {0: 'batch', 2: 'sequence', 3: 'sequence'} for i in range(LAYERS)})
with torch.no_grad():
    torch.onnx.export(Wrapped(model), (torch.tensor([[0, 100, 101, 102]]),), path, input_names=['input_ids'],
                      output_names=names, dynamic_axes=dyn, opset_version=14, do_constant_folding=True)
onnx.checker.check_model(path)
for name in ('tokenizer.json', 'tokenizer_config.json'):
    shutil.copyfile(os.path.join(BUNDLED, name), os.path.join(OUT, name))
manifest = json.load(open(os.path.join(BUNDLED, 'manifest.json')))
manifest.update(id='synthetic-100m', name=f'Synthetic {params / 1e6:.0f}M (random weights)', layers=LAYERS,
                heads=HEADS, hiddenSize=D, vocabSize=VOCAB, maxPositions=CTX, license='MIT',
                outputs={'logits': 'logits', 'attentions': names[1:]},
                provenance='Random weights made by tools/bench/make_large_model.py, for the load benchmark.')
json.dump(manifest, open(os.path.join(OUT, 'manifest.json'), 'w'), indent=2)
print(f'{OUT}: {params / 1e6:.1f}M parameters, model.onnx {os.path.getsize(path) / 2**20:.0f} MiB')
