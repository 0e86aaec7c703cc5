#!/usr/bin/env bash
# Rebuild models/mini-code-gpt from scratch: corpus -> tokenizer -> 3-phase curriculum
# -> ONNX export -> evaluation (figures written into MODEL_CARD.md).
#
#   bash tools/train/rebuild.sh            # from the repository root; resumable
#
# Every phase checkpoints to .cache/train/rebuild/<phase>/ckpt.pt every 3 minutes and is
# skipped once its final.pt exists, so the command can simply be run again after an
# interruption (e.g. a session that ends) and continues where it stopped.
# Time on this project's build machine (2 cores shared with other work, one training
# thread): see MODEL_CARD.md, "Rebuilding" (about 2.5 hours of wall-clock time).
# On a CUDA machine the same commands use the GPU (train.py --device auto).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-/usr/bin/python3}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
C=.cache/train
R=$C/rebuild
mkdir -p "$R"

# The schedule that produced the shipped weights (see MODEL_CARD.md).
A_STEPS=${A_STEPS:-__A_STEPS__}
B_STEPS=${B_STEPS:-__B_STEPS__}
C_STEPS=${C_STEPS:-__C_STEPS__}

[ -f $C/corpus/train.jsonl ] || $PY tools/train/build_corpus.py $C/corpus
[ -f $C/tok/train.bin ] || node tools/train/train_tokenizer.mjs $C/corpus $C/tok 8192

# Phase A: 2-layer attention-only model, context 128, 75% repeated-random-span sequences:
# forms the previous-token and induction heads.
[ -f $R/A/final.pt ] || $PY tools/train/train.py --data $C/tok --out $R/A --phase A \
  --layers 2 --mlp 0 --d 128 --heads 4 --ctx 128 --batch 8 --lr 3e-3 \
  --copy-frac 0.75 --copy-mode fill --steps $A_STEPS --eval-every 250

# Phase B: grow function-preservingly (MLPs in both layers, 4 new blocks with zero output
# projections), mostly natural text at context 128.
[ -f $R/B/final.pt ] || $PY tools/train/train.py --data $C/tok --out $R/B --phase B \
  --init $R/A/final.pt --grow-layers 4 --grow-mlp --ctx 128 --batch 8 --lr 2e-3 --warmup 200 \
  --copy-frac 0.1 --copy-mode insert --steps $B_STEPS --eval-every 500

# Phase C: positions 128..511 tiled from the trained ones, context 512, LR decayed to 1e-4.
[ -f $R/C/final.pt ] || $PY tools/train/train.py --data $C/tok --out $R/C --phase C \
  --init $R/B/final.pt --ctx 512 --batch 2 --lr 2e-3 --min-lr 1e-4 --warmup 50 \
  --schedule wsd --decay-frac 1.0 --copy-frac 0.1 --copy-mode mix --steps $C_STEPS \
  --eval-every 500 --eval-len 128

$PY tools/train/export_onnx.py $R/C/final.pt models/mini-code-gpt $C/tok/tokenizer.json $C/export_check.json
npx tsx tools/train/eval.ts --model models/mini-code-gpt --data $C/tok --bench
