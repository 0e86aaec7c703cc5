"""The bigram baseline of the training curves (eval.ts has the same one for the shipped figures)."""
import os

import numpy as np


def kn_bigram(tokens, V, cache, D=0.75):
    """Interpolated Kneser-Ney bigram fitted on the training stream. Returns a function
    (prev, next) -> log-probability for arrays of token ids."""
    if os.path.exists(cache):
        counts = np.load(cache)
    else:
        t = np.asarray(tokens, dtype=np.int64)
        counts = np.bincount(t[:-1] * V + t[1:], minlength=V * V).reshape(V, V).astype(np.int32)
        np.save(cache, counts)
    c_v = counts.sum(1).astype(np.float64)
    n1_v = (counts > 0).sum(1).astype(np.float64)
    n1_w = (counts > 0).sum(0).astype(np.float64)
    pcont = (n1_w + 1) / (n1_w.sum() + V)

    def logp(prev, nxt):
        c = counts[prev, nxt].astype(np.float64)
        cv = c_v[prev]
        safe = np.maximum(cv, 1)
        pr = np.where(cv > 0, np.maximum(c - D, 0) / safe + D * n1_v[prev] / safe * pcont[nxt], pcont[nxt])
        return np.log(pr)
    return logp
