#!/usr/bin/python3
"""Print the training curves (metrics.csv of one or more runs) as Markdown tables.

Usage: curves.py [--every N] RUN_DIR[:label] ...
Each row: step, tokens seen in total, minutes, held-out loss / bigram / gap at the given
evaluation length, best previous-token head and best induction head (T = 50), loss on
the second copy of the random sequences.
"""
import csv
import os
import sys

args = sys.argv[1:]
every = 1
if args and args[0] == '--every':
    every = int(args[1])
    args = args[2:]
for spec in args:
    run, _, label = spec.partition(':')
    rows = list(csv.DictReader(open(os.path.join(run, 'metrics.csv'))))
    print(f'**{label or os.path.basename(run)}**\n')
    print('| phase | step | tokens (M) | min | eval len | held-out loss | bigram | gap | best prev-token | best induction | 2nd-copy loss |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    steps = sorted({int(r['step']) for r in rows})
    keep = set(steps[::every]) | {steps[-1]}
    for r in rows:
        if int(r['step']) not in keep:
            continue
        print(f"| {r['phase']} | {r['step']} | {int(r['tokens_total']) / 1e6:.2f} | {float(r['elapsed_s']) / 60:.0f} | {r['eval_len']} | "
              f"{float(r['heldout_loss']):.3f} | {float(r['bigram']):.3f} | {float(r['gap']):.3f} | {r['best_prev_head']} {float(r['best_prev']):.2f} | "
              f"{r['best_ind_head']} {float(r['best_ind']):.2f} | {float(r['copy_loss']):.2f} |")
    print()
