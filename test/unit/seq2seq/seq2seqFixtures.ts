/** The encoder-decoder fixtures (tools/fixtures/make_seq2seq_fixtures.py) and their PyTorch reference. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HF_FIXTURES } from '../folder/hfFixtures';

export const SEQ2SEQ_FIXTURES = ['t5-small-tiny', 'opus-mt-tiny'] as const;
export type Seq2SeqFixture = (typeof SEQ2SEQ_FIXTURES)[number];

type Layers = number[][][][];

/** One decoder pass of the reference: ids (decoder start first) and `[layer][head][query][key]`. */
export interface DecoderReference {
  decoder_ids: number[];
  decoder_attentions: Layers;
  cross_attentions: Layers;
}

export interface Seq2SeqReference {
  source_text: string;
  source_ids: number[];
  encoder_attentions: Layers;
  given: DecoderReference & { target_text: string };
  greedy: DecoderReference & { max_new_tokens: number; stopped_at_eos: boolean };
}

export const seq2seqDir = (name: Seq2SeqFixture): string => join(HF_FIXTURES, name);

export function seq2seqReference(name: Seq2SeqFixture): Seq2SeqReference {
  return JSON.parse(
    readFileSync(join(HF_FIXTURES, `${name}.reference.json`), 'utf8'),
  ) as Seq2SeqReference;
}

/** Largest |ours − reference|, comparing the reference's top-left `rows × cols` of each head. */
export function maxAbsDiff(
  ours: Float32Array[],
  ref: Layers,
  rows?: number,
  cols?: number,
): number {
  let worst = 0;
  if (ours.length !== ref.length) throw new Error(`${ours.length} layers vs ${ref.length}`);
  ref.forEach((layer, l) => {
    const heads = layer.length;
    const r = rows ?? layer[0]!.length;
    const c = cols ?? layer[0]![0]!.length;
    if (ours[l]!.length !== heads * r * c)
      throw new Error(`layer ${l}: ${ours[l]!.length} weights vs ${heads}×${r}×${c}`);
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < r; i++) {
        for (let j = 0; j < c; j++)
          worst = Math.max(worst, Math.abs(ours[l]![(h * r + i) * c + j]! - layer[h]![i]![j]!));
      }
    }
  });
  return worst;
}

/** A temporary copy of a fixture folder, edited; removed by the returned function. */
export function editedCopy(
  name: Seq2SeqFixture,
  edit: (dir: string) => void,
): { dir: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'seq2seq-'));
  const dir = join(root, name);
  cpSync(seq2seqDir(name), dir, { recursive: true });
  edit(dir);
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Rewrites a JSON file of a folder. */
export function editJson(
  dir: string,
  file: string,
  edit: (json: Record<string, unknown>) => void,
): void {
  const path = join(dir, file);
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}
