#!/usr/bin/python3
"""Export the generation graph of a model folder: the decoder with a key/value cache.

Usage: export_with_past.py MODEL_DIR
Rebuilds the GPT from MODEL_DIR/model.onnx (onnx_to_checkpoint.py) and writes
MODEL_DIR/decoder_with_past.onnx (opset 14, float32), laid out as Optimum's GPT-2
`text-generation-with-past` export: inputs `input_ids` int64 [batch, sequence] and
`past_key_values.I.key` / `.value` float32 [batch, heads, past_sequence, head_size]; outputs
`logits` [batch, sequence, vocab] and `present.I.key` / `.value` [batch, heads,
past_sequence + sequence, head_size]. Positions continue after the past (past_sequence ..
past_sequence + sequence - 1) and the causal mask covers past + new keys, both inside the
graph. Fed an empty past it is a full pass over the prompt; fed the previous presents and
one token it is one generation step. MODEL_DIR/manifest.json gets
`"generationGraph": "decoder_with_past.onnx"`.

The file carries no weights of its own: every initializer whose bytes equal one of
model.onnx's is stored as ONNX external data pointing into model.onnx (location
"model.onnx", the byte offset and length of that tensor's raw_data there), so the folder
holds the weights once and model.onnx stays byte-identical. The engine and onnxruntime read
external data by offset; a rebuilt model.onnx needs this graph exported again
(tools/train/rebuild.sh does).
"""
import json
import math
import os
import sys

import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_to_checkpoint import rebuild  # noqa: E402

GRAPH = 'decoder_with_past.onnx'


def step(model, ids, pasts):
    """The GPT over `ids` after the cached keys/values `pasts` [(k, v)] of every layer:
    (logits, [(k, v)] presents). The same arithmetic as GPT.forward / Block.forward."""
    past = pasts[0][0].shape[2]
    T = ids.shape[1]
    x = model.tok(ids) + model.pos(torch.arange(T) + past)[None]
    keys = torch.arange(T + past)[None, :]
    mask = keys > (torch.arange(T)[:, None] + past)  # key j is after query i
    presents = []
    for b, (pk, pv) in zip(model.blocks, pasts):
        B, _, D = x.shape
        H = b.heads
        q, k, v = b.qkv(b.ln1(x)).split(D, dim=2)
        q = q.view(B, T, H, D // H).transpose(1, 2)
        k = torch.cat([pk, k.view(B, T, H, D // H).transpose(1, 2)], dim=2)
        v = torch.cat([pv, v.view(B, T, H, D // H).transpose(1, 2)], dim=2)
        presents.append((k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D // H))
        att = torch.softmax(att.masked_fill(mask, float('-inf')), dim=-1)
        x = x + b.proj((att @ v).transpose(1, 2).reshape(B, T, D))
        if b.has_mlp:
            x = x + b.fc2(F.gelu(b.fc1(b.ln2(x))))
    return model.head(model.lnf(x)), presents


class WithPast(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, *flat):
        pasts = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(flat) // 2)]
        logits, presents = step(self.m, input_ids, pasts)
        return (logits, *[t for kv in presents for t in kv])


def raw_data_spans(path):
    """{raw_data bytes: (offset, length)} of every initializer in the ONNX file at `path`,
    found by walking the protobuf: ModelProto.graph (7) → GraphProto.initializer (5) →
    TensorProto.raw_data (9)."""
    data = open(path, 'rb').read()

    def varint(at):
        value = shift = 0
        while True:
            byte = data[at]
            value |= (byte & 0x7F) << shift
            at += 1
            shift += 7
            if byte < 0x80:
                return value, at

    def fields(start, end):
        at = start
        while at < end:
            key, at = varint(at)
            wire = key & 7
            if wire == 0:
                _, at = varint(at)
            elif wire == 1:
                at += 8
            elif wire == 5:
                at += 4
            elif wire == 2:
                length, at = varint(at)
                yield key >> 3, at, at + length
                at += length
            else:
                raise ValueError(f'{path}: wire type {wire} at byte {at}')

    spans = {}
    for number, start, end in fields(0, len(data)):
        if number != 7:
            continue
        for gnum, gstart, gend in fields(start, end):
            if gnum != 5:
                continue
            for tnum, tstart, tend in fields(gstart, gend):
                if tnum == 9:
                    spans.setdefault(data[tstart:tend], (tstart, tend - tstart))
    return spans


def share_weights(model, weights_path, location):
    """Points every initializer of `model` whose bytes `weights_path` holds at that file."""
    spans = raw_data_spans(weights_path)
    shared = 0
    for tensor in model.graph.initializer:
        raw = numpy_helper.to_array(tensor).tobytes()
        if len(raw) < 1024 or raw not in spans:
            continue  # small constants stay inline
        offset, length = spans[raw]
        tensor.ClearField('raw_data')
        tensor.ClearField('float_data')
        tensor.data_location = onnx.TensorProto.EXTERNAL
        del tensor.external_data[:]
        for key, value in (('location', location), ('offset', str(offset)), ('length', str(length))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
        shared += length
    return shared


def main(model_dir):
    torch.set_num_threads(1)
    model, cfg = rebuild(model_dir)
    L, H, D = cfg['layers'], cfg['heads'], cfg['d']
    ids = torch.tensor([[0] + list(range(100, 104))], dtype=torch.long)
    pasts = [torch.zeros(1, H, 3, D // H) for _ in range(2 * L)]
    names = [f'past_key_values.{i}.{kv}' for i in range(L) for kv in ('key', 'value')]
    presents = [n.replace('past_key_values', 'present') for n in names]
    dyn = {'input_ids': {0: 'batch', 1: 'sequence'}, 'logits': {0: 'batch', 1: 'sequence'}}
    dyn.update({n: {0: 'batch', 2: 'past_sequence'} for n in names})
    dyn.update({n: {0: 'batch', 2: 'past_sequence + sequence'} for n in presents})
    path = os.path.join(model_dir, GRAPH)
    with torch.no_grad():
        torch.onnx.export(WithPast(model), (ids, *pasts), path, input_names=['input_ids', *names],
                          output_names=['logits', *presents], dynamic_axes=dyn, opset_version=14,
                          do_constant_folding=True)
    exported = onnx.load(path)
    shared = share_weights(exported, os.path.join(model_dir, 'model.onnx'), 'model.onnx')
    big = [t.name for t in exported.graph.initializer
           if t.data_location != onnx.TensorProto.EXTERNAL and numpy_helper.to_array(t).nbytes >= 1024]
    if big:
        raise SystemExit(f'{path}: weights not found in model.onnx: {big}')
    onnx.save(exported, path)
    onnx.checker.check_model(path)
    print(f'exported {path}: {os.path.getsize(path)} bytes; {shared} bytes of weights read from model.onnx')
    manifest_path = os.path.join(model_dir, 'manifest.json')
    with open(manifest_path) as f:
        manifest = json.load(f)
    manifest['generationGraph'] = GRAPH  # docs/model-format.md
    with open(manifest_path, 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main(sys.argv[1])
