"""GPT-style causal decoder used by models/mini-code-gpt (PyTorch).

Pre-LayerNorm blocks, learned absolute positions, explicit softmax attention (so the
attention probabilities can be returned and exported), optional MLP per block (an
"attention-only" model is a model whose blocks have no MLP).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads, mlp):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.has_mlp = mlp
        if mlp:
            self.ln2 = nn.LayerNorm(d)
            self.fc1 = nn.Linear(d, 4 * d)
            self.fc2 = nn.Linear(4 * d, d)

    def add_mlp(self, zero_out=True):
        d = self.qkv.in_features
        self.has_mlp = True
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)
        init_linear(self.fc1)
        init_linear(self.fc2)
        if zero_out:
            nn.init.zeros_(self.fc2.weight)
            nn.init.zeros_(self.fc2.bias)

    def forward(self, x, mask):
        B, T, D = x.shape
        H = self.heads
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=2)
        q = q.view(B, T, H, D // H).transpose(1, 2)
        k = k.view(B, T, H, D // H).transpose(1, 2)
        v = v.view(B, T, H, D // H).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D // H))
        att = att.masked_fill(mask[:T, :T], float('-inf'))
        att = torch.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        x = x + self.proj(y)
        if self.has_mlp:
            x = x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        return x, att


def sinusoids(n, d):
    pos = torch.arange(n, dtype=torch.float32)[:, None]
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe = torch.zeros(n, d)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


def init_linear(m):
    nn.init.normal_(m.weight, std=0.02)
    if m.bias is not None:
        nn.init.zeros_(m.bias)


class GPT(nn.Module):
    def __init__(self, vocab, d, layers, heads, ctx, mlp=True, pos_init='normal', tie=False, bos=True):
        super().__init__()
        # bos: position 0 always holds <|endoftext|> (growth then keeps that row apart)
        self.cfg = dict(vocab=vocab, d=d, layers=layers, heads=heads, ctx=ctx, mlp=mlp, tie=tie, bos=bos)
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(ctx, d)
        self.blocks = nn.ModuleList([Block(d, heads, mlp) for _ in range(layers)])
        self.lnf = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.apply(self._init)
        if tie:  # tied unembedding: copying a rare token (the induction OV circuit) is easy to express
            self.head.weight = self.tok.weight
        for b in self.blocks:  # GPT-2 style scaled init of residual projections
            nn.init.normal_(b.proj.weight, std=0.02 / math.sqrt(2 * layers))
            if b.has_mlp:
                nn.init.normal_(b.fc2.weight, std=0.02 / math.sqrt(2 * layers))
        if pos_init == 'sin':  # learned positions initialised with (scaled) sinusoids
            self.pos.weight.data.copy_(sinusoids(ctx, d) * 0.02 * math.sqrt(2))
        self.register_buffer('mask', torch.triu(torch.ones(ctx, ctx, dtype=torch.bool), 1), persistent=False)

    @classmethod
    def from_cfg(cls, cfg):
        return cls(cfg['vocab'], cfg['d'], cfg['layers'], cfg['heads'], cfg['ctx'], cfg['mlp'],
                   tie=cfg.get('tie', False), bos=cfg.get('bos', True))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            init_linear(m)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, ids):
        T = ids.shape[1]
        pos = torch.arange(T, device=ids.device)
        x = self.tok(ids) + self.pos(pos)[None]
        atts = []
        for b in self.blocks:
            x, a = b(x, self.mask)
            atts.append(a)
        return self.head(self.lnf(x)), atts

    # ---- function-preserving growth -------------------------------------------------
    def grow(self, add_layers=0, add_mlp=False, ctx=None):
        """Add MLPs to existing blocks and/or append new blocks, all with zero-initialised
        output projections, so the function computed is unchanged; extend positions to ctx
        by tiling the trained position embeddings: position p gets row p mod old_ctx, or, when
        the model was trained with <|endoftext|> always at position 0, position 0 keeps its
        row and p >= 1 gets row 1 + (p - 1) mod (old_ctx - 1)."""
        d, H = self.cfg['d'], self.cfg['heads']
        if add_mlp:
            for b in self.blocks:
                if not b.has_mlp:
                    b.add_mlp(zero_out=True)
            self.cfg['mlp'] = True
        for _ in range(add_layers):
            b = Block(d, H, self.cfg['mlp'])
            b.apply(GPT._init)
            nn.init.zeros_(b.proj.weight)
            nn.init.zeros_(b.proj.bias)
            if b.has_mlp:
                nn.init.zeros_(b.fc2.weight)
                nn.init.zeros_(b.fc2.bias)
            self.blocks.append(b)
        self.cfg['layers'] = len(self.blocks)
        if ctx and ctx > self.cfg['ctx']:
            old = self.pos.weight.data
            n = old.shape[0]
            new = nn.Embedding(ctx, d)
            idx = torch.arange(ctx)
            if self.cfg.get('bos', True):
                idx[1:] = 1 + (idx[1:] - 1) % (n - 1)
            else:
                idx = idx % n
            new.weight.data.copy_(old[idx])
            self.pos = new
            self.cfg['ctx'] = ctx
            self.mask = torch.triu(torch.ones(ctx, ctx, dtype=torch.bool), 1)
        return self


def load_checkpoint(path):
    """The model saved in a training checkpoint, and the checkpoint itself."""
    ck = torch.load(path, map_location='cpu')
    m = GPT.from_cfg(ck['cfg'])
    m.load_state_dict(ck['model'])
    return m, ck
