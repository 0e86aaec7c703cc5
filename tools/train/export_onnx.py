#!/usr/bin/python3
"""Export a training checkpoint to the model folder format (docs/model-format.md).

Usage: export_onnx.py CKPT MODEL_DIR TOKENIZER_JSON
Writes MODEL_DIR/model.onnx (opset 14, float32; input "input_ids" int64 [batch, sequence],
outputs "logits" [batch, sequence, vocab] and "attn_0".."attn_{L-1}" [batch, heads,
sequence, sequence]; positions are computed inside the graph), MODEL_DIR/tokenizer.json
and MODEL_DIR/manifest.json, plus MODEL_DIR/../../.cache/train/export_check.json with
reference logits that eval.ts compares against onnxruntime.
"""
import json
import os
import shutil
import sys

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import load_checkpoint  # noqa: E402

ckpt_path, out_dir, tok_path = sys.argv[1:4]
check_path = sys.argv[4] if len(sys.argv) > 4 else None
torch.set_num_threads(1)
model, ck = load_checkpoint(ckpt_path)
cfg = ck['cfg']
model.eval()


class Wrapped(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids):
        logits, atts = self.m(input_ids)
        return (logits, *atts)


L = cfg['layers']
os.makedirs(out_dir, exist_ok=True)
onnx_path = os.path.join(out_dir, 'model.onnx')
ids = torch.tensor([[0] + list(range(100, 131))], dtype=torch.long)
out_names = ['logits'] + [f'attn_{i}' for i in range(L)]
dyn = {'input_ids': {0: 'batch', 1: 'sequence'}, 'logits': {0: 'batch', 1: 'sequence'}}
for i in range(L):
    dyn[f'attn_{i}'] = {0: 'batch', 2: 'sequence', 3: 'sequence'}
with torch.no_grad():
    torch.onnx.export(Wrapped(model), (ids,), onnx_path, input_names=['input_ids'], output_names=out_names,
                      dynamic_axes=dyn, opset_version=14, do_constant_folding=True)
m = onnx.load(onnx_path)
for o in m.graph.output:  # the exporter leaves the heads axis symbolic; it is fixed
    if o.name.startswith('attn_'):
        o.type.tensor_type.shape.dim[1].ClearField('dim_param')
        o.type.tensor_type.shape.dim[1].dim_value = cfg['heads']
onnx.save(m, onnx_path)
onnx.checker.check_model(m)
print('exported', onnx_path, os.path.getsize(onnx_path), 'bytes; opset', [o.version for o in m.opset_import])

shutil.copyfile(tok_path, os.path.join(out_dir, 'tokenizer.json'))
with open(os.path.join(out_dir, 'tokenizer_config.json'), 'w') as f:
    # clean_up_tokenization_spaces=false: decoding must give back the exact source text
    # (code), which the JS tokenizer's default clean-up (" ." -> ".") would break.
    json.dump({'tokenizer_class': 'GPT2Tokenizer', 'bos_token': '<|endoftext|>', 'eos_token': '<|endoftext|>',
               'unk_token': '<|endoftext|>', 'add_prefix_space': False, 'clean_up_tokenization_spaces': False,
               'model_max_length': cfg['ctx']}, f, indent=2)
    f.write('\n')
manifest = {
    'format': 'attention-inspector-model/1',
    'id': 'mini-code-gpt',
    'name': 'Mini Code GPT',
    'architecture': 'decoder',
    'layers': L,
    'heads': cfg['heads'],
    'hiddenSize': cfg['d'],
    'vocabSize': cfg['vocab'],
    'maxPositions': cfg['ctx'],
    'inputs': {'inputIds': 'input_ids'},
    'outputs': {'logits': 'logits', 'attentions': [f'attn_{i}' for i in range(L)]},
    'specialTokens': {'prepend': ['<|endoftext|>'], 'append': []},
    'license': 'MIT',
    'provenance': ('Trained from scratch by tools/train (tools/train/rebuild.sh) on permissively licensed text '
                   '(Python 3.11 stdlib and docs, Go 1.19 stdlib, MIT/Apache/BSD/ISC npm packages, Debian READMEs) '
                   'plus synthetic repeated-random-token sequences; see MODEL_CARD.md'),
}
with open(os.path.join(out_dir, 'manifest.json'), 'w') as f:
    json.dump(manifest, f, indent=2)
    f.write('\n')

if check_path:
    rng = np.random.default_rng(7)
    x = torch.from_numpy(np.concatenate([[0], rng.integers(1, cfg['vocab'], 63)])[None].astype(np.int64))
    with torch.no_grad():
        lg, atts = model(x)
    json.dump({'ids': x[0].tolist(), 'logits_last': lg[0, -1, :16].tolist(),
               'attn_last_layer_row_last': atts[-1][0, 0, -1, :16].tolist(), 'step': ck['step'], 'tokens': ck['tokens']},
              open(check_path, 'w'))
print('manifest written')
