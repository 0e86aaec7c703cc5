#!/usr/bin/env bash
# Rebuild models/mini-code-gpt from scratch: corpus -> tokenizer -> phase A (induction
# circuit at context 128) -> phase B (grown to 4 layers with MLPs, context 512) -> ONNX
# export (model.onnx, then decoder_with_past.onnx for generation) -> evaluation (figures written into MODEL_CARD.md).
#
#   bash tools/train/rebuild.sh            # from the repository root; resumable
#
# Every phase checkpoints to .cache/train/rebuild/<phase>/ckpt.pt every 3 minutes and is
# skipped once its final.pt exists, so the command can simply be run again after an
# interruption (e.g. a session that ends) and continues where it stopped; a resumed phase
# sees exactly the batches it would have seen.
# Time on this project's build machine (2 cores, one training thread): about 1.5 hours,
# see MODEL_CARD.md, "Rebuilding". On a CUDA machine the same commands use the GPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-/usr/bin/python3}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
# glibc would mmap (and page-fault anew) every tensor over 32 MB at every step: the logits
# alone are 64 MB. Keeping them on the heap halves a CPU step's time (measured: ~45% of
# the step was system time in page faults).
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000
C=.cache/train
R=$C/rebuild
mkdir -p "$R"

[ -f $C/corpus/train.jsonl ] || $PY tools/train/build_corpus.py $C/corpus
[ -f $C/tok/train.bin ] || node tools/train/train_tokenizer.mjs $C/corpus $C/tok 8192

# Phase A: 2-layer attention-only model, context 128, unembedding tied to the embedding,
# half of the sequences with one random span placed twice inside natural text, weight
# decay on every matrix; the induction phase change comes at ~3,500 steps
# (../shared/notes/model-recipe.md is the trial this reproduces).
[ -f $R/A/final.pt ] || $PY tools/train/train.py --data $C/tok --out $R/A --phase A \
  --layers 2 --mlp 0 --d 128 --heads 4 --ctx 128 --batch 16 --lr 3e-3 --warmup 200 \
  --tie 1 --bos 0 --wd-emb 1 --copy-frac 0.5 --copy-mode span --steps 5400 --eval-every 250

# Phase B: grow function-preservingly (MLPs in layers 0-1, layers 2-3 appended, zero output
# projections), positions 128..511 tiled from the trained ones, context 512, <|endoftext|>
# at position 0 as the engine feeds it, 30% repeated-span sequences; LR 1e-3 constant,
# then linear decay to 1e-4 over the last 30% of the steps.
[ -f $R/B/final.pt ] || $PY tools/train/train.py --data $C/tok --out $R/B --phase B \
  --init $R/A/final.pt --grow-layers 2 --grow-mlp --ctx 512 --batch 4 --lr 1e-3 --min-lr 1e-4 \
  --warmup 100 --schedule wsd --decay-frac 0.3 --bos 1 --wd-emb 1 --copy-frac 0.3 --copy-mode span \
  --steps 3000 --eval-every 500 --eval-len 128

$PY tools/train/export_onnx.py $R/B/final.pt models/mini-code-gpt $C/tok/tokenizer.json $C/export_check.json
# The generation graph (key/value cache) of the same weights: it reads them from model.onnx
# by byte offset, so it is exported again whenever model.onnx is; then the PyTorch reference
# continuation the unit tests compare against.
$PY tools/train/export_with_past.py models/mini-code-gpt
$PY tools/fixtures/make_bundled_generation_reference.py
npx tsx tools/train/eval.ts --model models/mini-code-gpt --data $C/tok --bench
