#!/usr/bin/python3
"""Train (one phase of) the mini-code-gpt curriculum.

Deterministic: the batch of step s is drawn from numpy's default_rng([seed, s]), so a run
resumed from its checkpoint sees exactly the batches it would have seen. Checkpoints
(model + optimizer + step) are written atomically to OUT/ckpt.pt every --ckpt-minutes and
at the end (OUT/final.pt). A phase can start from another phase's checkpoint (--init) and
grow the model function-preservingly (--grow-layers, --grow-mlp, --ctx).

Every --eval-every steps one CSV row goes to OUT/metrics.csv: held-out cross-entropy on
fixed test windows (and the interpolated Kneser-Ney bigram on the same targets), the best
previous-token head and the best induction head (see eval.ts for the definitions; the
final figures come from eval.ts on the exported ONNX, these are the training curves).

Runs on CPU (set OMP/OPENBLAS threads) or CUDA (--device cuda, or auto).
"""
import argparse
import csv
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bigram import kn_bigram  # noqa: E402
from model import GPT, load_checkpoint  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument('--data', required=True, help='tokenizer/encoded corpus dir (train.bin, test.bin)')
p.add_argument('--out', required=True)
p.add_argument('--phase', default='A')
p.add_argument('--init', help='start from this checkpoint (ignored when OUT/ckpt.pt exists)')
p.add_argument('--grow-layers', type=int, default=0)
p.add_argument('--grow-mlp', action='store_true')
p.add_argument('--vocab', type=int, default=8192)
p.add_argument('--d', type=int, default=128)
p.add_argument('--layers', type=int, default=2)
p.add_argument('--heads', type=int, default=4)
p.add_argument('--mlp', type=int, default=0)
p.add_argument('--ctx', type=int, default=128)
p.add_argument('--pos-init', default='normal', choices=['normal', 'sin'])
p.add_argument('--tie', type=int, default=0, help='1: unembedding tied to the token embedding')
p.add_argument('--bos', type=int, default=1, help='1: every sequence starts with <|endoftext|> at position 0')
p.add_argument('--wd-emb', type=int, default=0, help='1: weight decay on the embeddings too')
p.add_argument('--batch', type=int, default=16)
p.add_argument('--lr', type=float, default=3e-3)
p.add_argument('--min-lr', type=float, default=1e-4)
p.add_argument('--warmup', type=int, default=100)
p.add_argument('--schedule', default='const', choices=['const', 'cosine', 'wsd'])
p.add_argument('--decay-frac', type=float, default=0.3, help='wsd: final fraction of steps with linear decay')
p.add_argument('--wd', type=float, default=0.1)
p.add_argument('--steps', type=int, required=True)
p.add_argument('--copy-frac', type=float, default=0.5)
p.add_argument('--copy-mode', default='fill', choices=['fill', 'insert', 'mix', 'span'],
               help='fill: a random span tiled over the sequence; insert: a span twice in natural text, '
                    'first copy unscored; span: one span (8-64 ids) twice, gap 0-32, over natural text, every target scored')
p.add_argument('--seed', type=int, default=1)
p.add_argument('--eval-every', type=int, default=250)
p.add_argument('--eval-len', type=int, default=128)
p.add_argument('--ckpt-minutes', type=float, default=3)
p.add_argument('--snapshot-every', type=int, default=0, help='also keep OUT/step_<N>.pt every N steps')
p.add_argument('--threads', type=int, default=1)
p.add_argument('--device', default='auto')
p.add_argument('--stop-at', type=float, default=0, help='unix time: checkpoint and exit when reached')
p.add_argument('--halt-step', type=int, default=0,
               help='end the phase at this step (final.pt) without changing the LR schedule of --steps')
args = p.parse_args()

torch.set_num_threads(args.threads)
dev = torch.device('cuda' if (args.device == 'auto' and torch.cuda.is_available()) else (args.device if args.device != 'auto' else 'cpu'))
os.makedirs(args.out, exist_ok=True)
V, CTX = args.vocab, args.ctx

train_tok = np.memmap(os.path.join(args.data, 'train.bin'), dtype=np.uint16, mode='r')
test_tok = np.memmap(os.path.join(args.data, 'test.bin'), dtype=np.uint16, mode='r')


bigram = kn_bigram(train_tok, V, os.path.join(args.data, 'bigram_counts.npy'))


# ---------------------------------------------------------------- data ----------------
def natural(rng, n):
    off = int(rng.integers(0, len(train_tok) - n))
    return np.asarray(train_tok[off:off + n], dtype=np.int64)


OFF = 1 if args.bos else 0  # position of the first text token


def make_batch(step):
    rng = np.random.default_rng([args.seed, step])
    X = np.zeros((args.batch, CTX), dtype=np.int64)
    M = np.ones((args.batch, CTX - 1), dtype=np.float32)  # loss mask over targets X[:,1:]
    n = CTX - OFF
    for b in range(args.batch):
        if rng.random() < args.copy_frac:
            mode = args.copy_mode if args.copy_mode != 'mix' else ('fill' if rng.random() < 0.5 else 'insert')
            if mode == 'span':
                seq = natural(rng, n)
                L = int(rng.integers(8, min(65, (n - 32) // 2 + 1)))
                g = int(rng.integers(0, 33))
                st = int(rng.integers(0, n + 1 - 2 * L - g))
                r = rng.integers(1, V, L)
                seq[st:st + L] = r
                seq[st + L + g:st + 2 * L + g] = r
            elif mode == 'fill':
                L = int(rng.integers(8, n // 2 + 1))
                r = rng.integers(1, V, L)
                seq = np.tile(r, n // L + 1)[:n]
                M[b, :L + OFF - 1] = 0  # first copy is unpredictable
            else:
                L = int(rng.integers(4, max(5, min(64, n // 4)) + 1))
                r = rng.integers(1, V, L)
                rest = n - 2 * L
                g = int(rng.integers(0, rest + 1))
                pre = int(rng.integers(0, rest - g + 1))
                text = natural(rng, rest)
                seq = np.concatenate([text[:pre], r, text[pre:pre + g], r, text[pre + g:]])
                M[b, max(0, pre + OFF - 1):pre + L + OFF - 1] = 0
        else:
            seq = natural(rng, n)
        X[b, OFF:] = seq
    return torch.from_numpy(X), torch.from_numpy(M)


# ---------------------------------------------------------------- evaluation ----------
def eval_windows(L, count=48, seed=1234):
    rng = np.random.default_rng(seed)
    X = np.zeros((count, L), dtype=np.int64)
    for i in range(count):
        off = int(rng.integers(0, len(test_tok) - L))
        X[i, OFF:] = test_tok[off:off + L - OFF]
    return X


def induction_seqs(T=50, count=16, seed=4321):
    rng = np.random.default_rng(seed)
    r = rng.integers(1, V, (count, T))
    return np.concatenate([np.zeros((count, OFF), dtype=np.int64), r, r], axis=1)


@torch.no_grad()
def evaluate(model, L):
    model.eval()
    X = eval_windows(L)
    bi = -bigram(X[:, :-1].reshape(-1), X[:, 1:].reshape(-1)).mean()
    losses, prev = [], None
    for i in range(0, len(X), 8):
        xb = torch.from_numpy(X[i:i + 8]).to(dev)
        logits, atts = model(xb)
        losses.append(F.cross_entropy(logits[:, :-1].reshape(-1, V), xb[:, 1:].reshape(-1), reduction='sum').item())
        a = torch.stack(atts, 1)  # B, layers, H, T, T
        idx = torch.arange(1, L, device=dev)
        s = a[..., idx, idx - 1].mean(-1).sum(0)  # layers, H
        prev = s if prev is None else prev + s
    loss = sum(losses) / (len(X) * (L - 1))
    prev = (prev / len(X)).cpu()
    T = 50
    S = torch.from_numpy(induction_seqs(T)).to(dev)
    logits, atts = model(S)
    a = torch.stack(atts, 1)
    j = torch.arange(OFF + T, OFF + 2 * T, device=dev)  # the second copy; its targets follow the first
    ind = a[..., j, j - T + 1].mean(-1).mean(0).cpu()
    copy_loss = F.cross_entropy(logits[:, OFF + T:-1].reshape(-1, V), S[:, OFF + T + 1:].reshape(-1)).item()
    model.train()
    pi = int(prev.argmax())
    ii = int(ind.argmax())
    H = prev.shape[1]
    return dict(loss=loss, bigram=float(bi), gap=float(bi) - loss,
                prev=float(prev.flatten()[pi]), prev_head=f'{pi // H}.{pi % H}',
                ind=float(ind.flatten()[ii]), ind_head=f'{ii // H}.{ii % H}', copy_loss=copy_loss,
                prev_all=prev.tolist(), ind_all=ind.tolist())


# ---------------------------------------------------------------- model / optimizer ---
def build_opt(model):
    decay, no = [], []
    for n_, prm in model.named_parameters():
        emb = n_.startswith(('tok.', 'pos.'))
        (decay if prm.dim() == 2 and (args.wd_emb or not emb) else no).append(prm)
    return torch.optim.AdamW([{'params': decay, 'weight_decay': args.wd}, {'params': no, 'weight_decay': 0.0}],
                             lr=args.lr, betas=(0.9, 0.95))


def lr_at(step):
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    if args.schedule == 'const':
        return args.lr
    if args.schedule == 'cosine':
        t = (step - args.warmup) / max(1, args.steps - args.warmup)
        return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1 + math.cos(math.pi * min(1.0, t)))
    start = int(args.steps * (1 - args.decay_frac))
    if step < start:
        return args.lr
    t = (step - start) / max(1, args.steps - start)
    return args.lr + (args.min_lr - args.lr) * min(1.0, t)


def save(path, model, opt, step, tokens, extra=None):
    tmp = path + '.tmp'
    torch.save({'cfg': model.cfg, 'model': model.state_dict(), 'opt': opt.state_dict() if opt else None,
                'step': step, 'tokens': tokens, 'args': vars(args), **(extra or {})}, tmp)
    os.replace(tmp, path)



torch.manual_seed(args.seed)
ckpt_path = os.path.join(args.out, 'ckpt.pt')
start_step, tokens = 0, 0
if os.path.exists(ckpt_path):
    model, ck = load_checkpoint(ckpt_path)
    model.to(dev)
    opt = build_opt(model)
    opt.load_state_dict(ck['opt'])
    start_step, tokens = ck['step'], ck['tokens']
    print(f'resumed from {ckpt_path} at step {start_step}', flush=True)
elif args.init:
    model, ck = load_checkpoint(args.init)
    tokens = ck.get('tokens', 0)
    model.grow(add_layers=args.grow_layers, add_mlp=args.grow_mlp, ctx=args.ctx)
    model.cfg['bos'] = bool(args.bos)
    model.to(dev)
    opt = build_opt(model)
    print(f'initialised from {args.init} (+{args.grow_layers} layers, mlp={args.grow_mlp}, ctx={args.ctx})', flush=True)
else:
    model = GPT(V, args.d, args.layers, args.heads, CTX, bool(args.mlp), args.pos_init, bool(args.tie), bool(args.bos)).to(dev)
    opt = build_opt(model)
assert model.cfg['ctx'] >= CTX
print('config', json.dumps(model.cfg), 'params', sum(p_.numel() for p_ in model.parameters()), 'device', dev, flush=True)

csv_path = os.path.join(args.out, 'metrics.csv')
new_csv = not os.path.exists(csv_path)
fcsv = open(csv_path, 'a', newline='')
w = csv.writer(fcsv)
if new_csv:
    w.writerow(['phase', 'step', 'tokens_total', 'elapsed_s', 'lr', 'train_loss', 'eval_len', 'heldout_loss', 'bigram',
                'gap', 'best_prev_head', 'best_prev', 'best_ind_head', 'best_ind', 'copy_loss'])


def log_eval(step, ema, elapsed):
    lens = sorted({args.eval_len, CTX}) if CTX > args.eval_len else [args.eval_len]
    for L in lens:
        e = evaluate(model, L)
        w.writerow([args.phase, step, tokens, round(elapsed, 1), f'{lr_at(step):.2e}', f'{ema:.4f}', L, f"{e['loss']:.4f}",
                    f"{e['bigram']:.4f}", f"{e['gap']:.4f}", e['prev_head'], f"{e['prev']:.3f}", e['ind_head'],
                    f"{e['ind']:.3f}", f"{e['copy_loss']:.3f}"])
        fcsv.flush()
        print(f"[eval {args.phase} step {step} L={L}] loss {e['loss']:.4f} bigram {e['bigram']:.4f} gap {e['gap']:.4f} "
              f"prev {e['prev_head']}={e['prev']:.3f} ind {e['ind_head']}={e['ind']:.3f} copy_loss {e['copy_loss']:.3f}", flush=True)
    with open(os.path.join(args.out, 'heads_last.json'), 'w') as f:
        json.dump({'step': step, 'prev': e['prev_all'], 'ind': e['ind_all']}, f)


t0 = time.time()
last_ck = t0
ema = None
model.train()
if start_step == 0:
    log_eval(0, float('nan'), 0.0)
step = start_step
end_step = min(args.steps, args.halt_step) if args.halt_step else args.steps
while step < end_step:
    for g in opt.param_groups:
        g['lr'] = lr_at(step)
    X, M = make_batch(step)
    X, M = X.to(dev), M.to(dev)
    logits, _ = model(X)
    ce = F.cross_entropy(logits[:, :-1].reshape(-1, V), X[:, 1:].reshape(-1), reduction='none')
    loss = (ce * M.reshape(-1)).sum() / M.sum()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    step += 1
    tokens += X.numel()
    ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
    if step % 50 == 0:
        el = time.time() - t0
        print(f'step {step} loss {ema:.4f} lr {lr_at(step):.2e} tok/s {(step - start_step) * X.numel() / el:.0f}', flush=True)
    if step % args.eval_every == 0 or step == end_step:
        log_eval(step, ema, time.time() - t0)
    if args.snapshot_every and step % args.snapshot_every == 0:
        save(os.path.join(args.out, f'step_{step}.pt'), model, opt, step, tokens)
    if time.time() - last_ck > args.ckpt_minutes * 60:
        save(ckpt_path, model, opt, step, tokens)
        last_ck = time.time()
    if args.stop_at and time.time() > args.stop_at:
        save(ckpt_path, model, opt, step, tokens)
        print('stop-at reached; checkpointed', flush=True)
        sys.exit(3)
save(ckpt_path, model, opt, step, tokens)
save(os.path.join(args.out, 'final.pt'), model, None, step, tokens)
print('done', step, tokens, flush=True)
