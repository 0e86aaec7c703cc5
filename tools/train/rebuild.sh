#!/usr/bin/env bash
# Rebuild models/mini-code-gpt from scratch: corpus -> tokenizer -> curriculum (A1, A2, B1, B2)
# -> ONNX export -> evaluation (figures written into MODEL_CARD.md).
#
#   bash tools/train/rebuild.sh            # from the repository root; resumable
#
# Every phase checkpoints to .cache/train/rebuild/<phase>/ckpt.pt every 3 minutes and is
# skipped once its final.pt exists, so the command can simply be run again after an
# interruption (e.g. a session that ends) and continues where it stopped.
# Time on this project's build machine (2 cores shared with other work, one training
# thread): see MODEL_CARD.md, "Rebuilding" (about 2 hours of wall-clock time).
# On a CUDA machine the same commands use the GPU (train.py --device auto).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-/usr/bin/python3}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
C=.cache/train
R=$C/rebuild
mkdir -p "$R"

# The schedule that produced the shipped weights (see MODEL_CARD.md).
B_HALT=${B_HALT:-4200}   # step at which phase B of the shipped run ended (4200 = complete)

[ -f $C/corpus/train.jsonl ] || $PY tools/train/build_corpus.py $C/corpus
[ -f $C/tok/train.bin ] || node tools/train/train_tokenizer.mjs $C/corpus $C/tok 8192

# Phase A1: 2-layer attention-only model, context 128, 50% repeated-random-span sequences.
[ -f $R/A1/final.pt ] || $PY tools/train/train.py --data $C/tok --out $R/A1 --phase A1 \
  --layers 2 --mlp 0 --d 128 --heads 4 --ctx 128 --batch 8 --lr 3e-3 \
  --copy-frac 0.5 --copy-mode fill --steps 7750 --eval-every 250

# Phase A2: the same run continued with 90% repeated-span sequences (optimizer state kept).
if [ ! -f $R/A2/final.pt ]; then
  mkdir -p $R/A2
  [ -f $R/A2/ckpt.pt ] || cp $R/A1/ckpt.pt $R/A2/ckpt.pt
  $PY tools/train/train.py --data $C/tok --out $R/A2 --phase A2 \
    --layers 2 --mlp 0 --d 128 --heads 4 --ctx 128 --batch 8 --lr 3e-3 \
    --copy-frac 0.9 --copy-mode fill --steps 12000 --eval-every 250
fi

# Phase B1: grow function-preservingly (MLPs in layers 0-1, layers 2-3 appended, zero
# output projections), positions 128..511 tiled from the trained ones, context 512,
# 25% repeated-span sequences, LR 2e-3 (the schedule of 4200 steps: constant, then linear
# decay to 1e-4 over the last 35%); ends at step 1600.
[ -f $R/B1/final.pt ] || $PY tools/train/train.py --data $C/tok --out $R/B1 --phase B1 \
  --init $R/A2/final.pt --grow-layers 2 --grow-mlp --ctx 512 --batch 4 --lr 2e-3 --min-lr 1e-4 \
  --warmup 100 --schedule wsd --decay-frac 0.35 --copy-frac 0.25 --copy-mode mix \
  --steps 4200 --halt-step 1600 --eval-every 400 --eval-len 128

# Phase B2: the same run continued with 10% repeated-span sequences to step B_HALT.
if [ ! -f $R/B2/final.pt ]; then
  mkdir -p $R/B2
  [ -f $R/B2/ckpt.pt ] || cp $R/B1/ckpt.pt $R/B2/ckpt.pt
  $PY tools/train/train.py --data $C/tok --out $R/B2 --phase B2 --ctx 512 --batch 4 --lr 2e-3 \
    --min-lr 1e-4 --warmup 100 --schedule wsd --decay-frac 0.35 --copy-frac 0.1 --copy-mode mix \
    --steps 4200 --halt-step $B_HALT --eval-every 400 --eval-len 128
fi

$PY tools/train/export_onnx.py $R/B2/final.pt models/mini-code-gpt $C/tok/tokenizer.json $C/export_check.json
npx tsx tools/train/eval.ts --model models/mini-code-gpt --data $C/tok --bench
