/**
 * The logit lens of an encoder-decoder's decoder (issue 24) against PyTorch
 * (tools/fixtures/make_seq2seq_norm_references.py, `lens`): T5 (pre-norm, RMS final norm,
 * untied lm_head) and Marian (post-norm: each layer's closing LayerNorm, then the tied
 * unembedding and final_logits_bias, graph/postNormLens.ts); per decoder layer and position
 * the top 5 ids equal PyTorch's and their probabilities are within 1e-4; the last layer is
 * the model's own logits (the script checks that). The CLI names it `decoder_logit_lens`.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeOnnx } from '../../../src/engine/graph/decodeOnnx';
import { encodeOnnx } from '../../../src/engine/graph/exposeTensors';
import onnxProto from 'onnx-proto';
import type { LogitLensLayer } from '../../../src/engine/types';
import { runCli } from '../cli/runCli';
import { sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { worstLensDifference } from '../attention/referenceAgreement';
import {
  SEQ2SEQ_FIXTURES,
  type Seq2SeqFixture,
  seq2seqDir,
  seq2seqReference,
} from './seq2seqFixtures';

type Lens = { id: number; prob: number }[][][];
const K = 5;

function lensReference(name: string): { decoder_ids: number[]; lens: Lens } {
  return JSON.parse(readFileSync(join(HF_FIXTURES, `${name}.norms.json`), 'utf8'));
}

/**
 * Each decoder layer's closing LayerNorm (ln3) given γ_i = 1 + 0.5 sin(i + 1), β_i = 0.2 cos(i + 1),
 * as make_seq2seq_norm_references.py does for `lens_closing_norms`.
 */
function closingNorms(file: string): void {
  const model = decodeOnnx(readFileSync(file), 'opus-mt-tiny');
  const graph = model.graph as onnxProto.onnx.IGraphProto;
  const wanted = /^model\.dec\.\d+\.ln3\.(weight|bias)$/;
  // The export shares equal weights: each ln3 tensor is an Identity of another LayerNorm's.
  const identities = (graph.node ?? []).filter(
    (n) => n.opType === 'Identity' && wanted.test(n.output?.[0] ?? ''),
  );
  assert.equal(identities.length, 4, 'two decoder layers, weight and bias each');
  graph.node = (graph.node ?? []).filter((n) => !identities.includes(n));
  for (const node of identities) {
    const name = node.output?.[0] as string;
    const d = 32;
    const values = Float32Array.from({ length: d }, (_, i) =>
      name.endsWith('weight') ? 1 + 0.5 * Math.sin(i + 1) : 0.2 * Math.cos(i + 1),
    );
    graph.initializer?.push(
      onnxProto.onnx.TensorProto.create({
        name,
        dataType: onnxProto.onnx.TensorProto.DataType.FLOAT,
        dims: [d],
        floatData: Array.from(values),
      }),
    );
  }
  writeFileSync(file, encodeOnnx(model));
}

/** T5's tied head: the decoder output times `scale` before the lm_head MatMul. */
function scaleBeforeLmHead(file: string, scale: number): void {
  const model = decodeOnnx(readFileSync(file), 't5-small-tiny');
  const graph = model.graph as onnxProto.onnx.IGraphProto;
  const nodes = graph.node ?? [];
  const head = nodes.find((n) => n.output?.includes('logits'));
  assert.equal(head?.opType, 'MatMul', 'logits are the lm_head MatMul’s');
  const input = head.input?.[0] as string;
  graph.initializer?.push(
    onnxProto.onnx.TensorProto.create({
      name: 'tied_scale',
      dataType: onnxProto.onnx.TensorProto.DataType.FLOAT,
      dims: [],
      floatData: [scale],
    }),
  );
  nodes.splice(
    nodes.indexOf(head),
    0,
    onnxProto.onnx.NodeProto.create({
      opType: 'Mul',
      name: 'tied_scale/Mul',
      input: [input, 'tied_scale'],
      output: ['tied_scaled'],
    }),
  );
  head.input = ['tied_scaled', ...(head.input ?? []).slice(1)];
  writeFileSync(file, encodeOnnx(model));
}

/** The lens of a copy of fixture `name` that `edit` changed, against PyTorch's `key` table: the worst difference. */
async function editedCopyLens(
  name: Seq2SeqFixture,
  key: 'lens_closing_norms' | 'lens_scaled',
  edit: (dir: string) => void,
): Promise<number> {
  const ref = JSON.parse(readFileSync(join(HF_FIXTURES, `${name}.norms.json`), 'utf8')) as {
    decoder_ids: number[];
  } & Record<typeof key, Lens>;
  const source = seq2seqReference(name);
  const dir = mkdtempSync(join(tmpdir(), 'ai-lens-edited-'));
  try {
    cpSync(seq2seqDir(name), dir, { recursive: true });
    edit(dir);
    const engine = sharedEngine();
    const held = await engine.inspectHeld(dir, source.source_text, {
      target: { kind: 'given', text: source.given.target_text },
    });
    const table: LogitLensLayer[][] = [];
    for (let position = 0; position < ref.decoder_ids.length; position++) {
      table.push(await engine.logitLens(held.resultId, position, K));
    }
    return worstLensDifference(table, ref[key]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the logit lens of an encoder-decoder’s decoder, against PyTorch (issue 24)', () => {
  for (const name of SEQ2SEQ_FIXTURES) {
    it(`${name}: each decoder layer's top ${K} at every decoder position`, async () => {
      const ref = lensReference(name);
      const source = seq2seqReference(name);
      const engine = sharedEngine();
      const held = await engine.inspectHeld(seq2seqDir(name), source.source_text, {
        target: { kind: 'given', text: source.given.target_text },
      });
      assert.deepEqual(
        held.seq2seq?.decoderTokens.map((t) => t.id),
        ref.decoder_ids,
      );
      const table: LogitLensLayer[][] = [];
      for (let position = 0; position < ref.decoder_ids.length; position++) {
        table.push(await engine.logitLens(held.resultId, position, K));
      }
      assert.equal(table[0].length, ref.lens.length, 'one row per decoder layer');
      const worst = worstLensDifference(table, ref.lens);
      assert.ok(worst <= 1e-4, `worst probability difference ${worst}`);
      await assert.rejects(
        engine.logitLens(held.resultId, ref.decoder_ids.length, K),
        /there is no position/,
      );
    });
  }

  it('opus-mt-tiny with closing LayerNorms of its own: the lens starts after the last layer’s norm', async () => {
    const worst = await editedCopyLens('opus-mt-tiny', 'lens_closing_norms', (dir) =>
      closingNorms(join(dir, 'decoder_model.onnx')),
    );
    assert.ok(worst <= 1e-4, `worst probability difference ${worst}`);
  });

  it('t5-small-tiny scaled by d_model^-½ before lm_head (tied T5): the graph’s Mul is copied too', async () => {
    const worst = await editedCopyLens('t5-small-tiny', 'lens_scaled', (dir) =>
      scaleBeforeLmHead(join(dir, 'onnx', 'decoder_model.onnx'), 32 ** -0.5),
    );
    assert.ok(worst <= 1e-4, `worst probability difference ${worst}`);
  });

  it('t5-small-tiny as a Transformers.js folder (decoder_model_merged.onnx only): the same norms and lens', async () => {
    const name = 't5-small-tiny';
    const ref = JSON.parse(readFileSync(join(HF_FIXTURES, `${name}.norms.json`), 'utf8')) as {
      decoder_ids: number[];
      lens: Lens;
      decoder: { writes: number[][] }[];
      cross: { writes: number[][] }[];
    };
    const source = seq2seqReference(name);
    const dir = mkdtempSync(join(tmpdir(), 'ai-t5-merged-'));
    try {
      cpSync(seq2seqDir(name), dir, { recursive: true });
      for (const file of readdirSync(join(dir, 'onnx'))) {
        if (file.startsWith('decoder') && file !== 'decoder_model_merged.onnx') {
          rmSync(join(dir, 'onnx', file));
        }
      }
      const engine = sharedEngine();
      const held = await engine.inspectHeld(dir, source.source_text, {
        target: { kind: 'given', text: source.given.target_text },
      });
      assert.ok(
        held.model.notes?.some((n) => /decoder_model_merged\.onnx is a merged decoder/.test(n)),
        JSON.stringify(held.model.notes),
      );
      for (const kind of ['decoder', 'cross'] as const) {
        for (const [layer, want] of ref[kind].entries()) {
          const { writes } = await engine.headWrites(held.resultId, kind, layer);
          for (const [h, row] of want.writes.entries()) {
            const max = Math.max(...row);
            for (const [i, w] of row.entries()) {
              const got = writes[h * row.length + i];
              assert.ok(Math.abs(got - w) <= 1e-4 * max, `${kind} ${layer} head ${h} row ${i}`);
            }
          }
        }
      }
      const table: LogitLensLayer[][] = [];
      for (let position = 0; position < ref.decoder_ids.length; position++) {
        table.push(await engine.logitLens(held.resultId, position, K));
      }
      const worst = worstLensDifference(table, ref.lens);
      assert.ok(worst <= 1e-4, `worst probability difference ${worst}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CLI --logit-lens K exports decoder_logit_lens over the decoder tokens', async () => {
    const name = 'opus-mt-tiny';
    const ref = lensReference(name);
    const source = seq2seqReference(name);
    const { code, stdout, stderr } = await runCli([
      '--model',
      seq2seqDir(name),
      '--text',
      source.source_text,
      '--target-text',
      source.given.target_text,
      '--logit-lens',
      String(K),
    ]);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(doc.logit_lens, undefined);
    const lens = doc.decoder_logit_lens as { id: number; prob: number }[][][];
    assert.equal(lens.length, ref.lens.length);
    const asTable = ref.decoder_ids.map((_, position) =>
      lens.map((positions, layer) => ({
        layer,
        predictions: positions[position].map((p) => ({ ...p, text: '' })),
      })),
    );
    assert.ok(worstLensDifference(asTable, ref.lens) <= 1e-4);
  });
});
