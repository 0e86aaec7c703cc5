#!/usr/bin/python3
"""The PyTorch module of tools/train/model.py, rebuilt from an exported model.onnx.

Usage: onnx_to_checkpoint.py MODEL_DIR [CKPT]
Reads MODEL_DIR/model.onnx and MODEL_DIR/manifest.json and returns (or, with CKPT, saves
as a training checkpoint that export_onnx.py / export_with_past.py load) the GPT whose
weights are the graph's initializers. The training checkpoint of the shipped model is not
kept in the repository; its graph holds every weight, so this is how the model is edited
later (e.g. a second graph for generation).

torch.onnx.export names the initializers it takes as they are (`m.tok.weight`,
`m.blocks.0.ln1.bias`, ...) except the Linear weights, which constant folding transposes
into nameless `onnx::MatMul_*` tensors: each is matched to its layer by the bias its MatMul
is added to (`m.blocks.I.qkv.bias`, ...); the one MatMul without a bias is the unembedding.
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import GPT  # noqa: E402

PREFIX = 'm.'  # export_onnx.py wraps the GPT as `m`


def state_from_onnx(graph):
    """The GPT state dict the initializers of `graph` hold, and whether the head is tied."""
    arrays = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    state = {name[len(PREFIX):]: a for name, a in arrays.items() if name.startswith(PREFIX)}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    for node in graph.node:
        if node.op_type != 'MatMul' or node.input[1] not in arrays or node.input[1].startswith(PREFIX):
            continue
        weight = arrays[node.input[1]].T
        biases = [i for n in consumers.get(node.output[0], []) if n.op_type == 'Add'
                  for i in n.input if i.startswith(PREFIX) and i.endswith('.bias')]
        if len(biases) > 1:
            raise ValueError(f'MatMul {node.name} is added to several biases: {biases}')
        key = biases[0][len(PREFIX):-len('bias')] + 'weight' if biases else 'head.weight'
        if key in state:
            raise ValueError(f'two MatMul weights for {key}')
        state[key] = weight
    tie = bool(np.array_equal(state['head.weight'], state['tok.weight']))
    return {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in state.items()}, tie


def rebuild(model_dir):
    """The GPT of MODEL_DIR/model.onnx (eval mode) and its config."""
    with open(os.path.join(model_dir, 'manifest.json')) as f:
        manifest = json.load(f)
    graph = onnx.load(os.path.join(model_dir, 'model.onnx')).graph
    state, tie = state_from_onnx(graph)
    cfg = dict(vocab=manifest['vocabSize'], d=manifest['hiddenSize'], layers=manifest['layers'],
               heads=manifest['heads'], ctx=manifest['maxPositions'], mlp='blocks.0.fc1.weight' in state,
               tie=tie, bos=bool(manifest['specialTokens']['prepend']))
    model = GPT.from_cfg(cfg)
    if tie:
        del state['head.weight']  # the same tensor as tok.weight in the module
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not (tie and k == 'head.weight')]
    if missing or unexpected:
        raise ValueError(f'model.onnx does not hold the GPT: missing {missing}, unexpected {unexpected}')
    model.eval()
    return model, cfg


if __name__ == '__main__':
    model, cfg = rebuild(sys.argv[1])
    print('rebuilt', cfg, sum(p.numel() for p in model.parameters()), 'parameters')
    if len(sys.argv) > 2:
        torch.save({'cfg': cfg, 'model': model.state_dict(), 'step': None, 'tokens': None}, sys.argv[2])
        print('saved', sys.argv[2])
