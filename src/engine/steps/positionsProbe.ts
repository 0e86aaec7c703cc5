/**
 * How a model knows order, measured on the user's tokens: the position table read from the
 * graph, and per head how far the attention moves when the position table — or the token
 * embedding — is zeroed (two edited copies of the model, run once each, then released).
 */
import type { onnx } from 'onnx-proto';
import type { LoadedModelFolder } from '../folder/loadModelFolder';
import { decodeOnnx } from '../graph/decodeOnnx';
import { findEmbeddingTables, readTableRows, zeroTable } from '../graph/embeddingTables';
import { encodeOnnx } from '../graph/exposeTensors';
import { makeFeeds } from '../inference/graphFeeds';
import { createSession } from '../inference/ortRuntime';
import type { PositionsReport } from '../types';
import { extractAttention } from '../attention/extractAttention';

/** Rows of the position table sent (a 128 × 128 similarity map is what a panel can show). */
export const POSITION_ROWS = 128;

type Folder = Pick<
  LoadedModelFolder,
  'label' | 'graphFile' | 'onnxBytes' | 'externalData' | 'feeds' | 'attentionOutputs' | 'manifest'
>;

export async function probePositions(
  folder: Folder,
  ids: readonly number[],
  baseline: Float32Array[],
): Promise<PositionsReport> {
  const model = decodeOnnx(folder.onnxBytes, folder.label);
  const tables = findEmbeddingTables(
    model.graph as onnx.IGraphProto,
    folder.manifest.inputs.inputIds,
  );
  if (!tables.position) {
    return {
      kind: tables.rotary ? 'rotary' : 'none',
      note: tables.rotary
        ? "This model rotates q and k by an angle that grows with the position (rotary embeddings): positions enter every head's q·k directly, as the angle between positions, not through a table added to the tokens."
        : "No position table was found in the graph: the model may use relative positions inside attention (such as T5's bias, shown as the bias in the steps), or keep its embeddings where the graph is not read (a merged decoder's If).",
    };
  }
  const [totalRows, width] = (tables.position.dims ?? []).map(Number);
  const rows = Math.min(POSITION_ROWS, totalRows);
  const data = readTableRows(tables.position, folder.externalData, rows);
  const kind = isSinusoid(data, rows, width) ? 'sinusoid' : 'learned';
  const report: PositionsReport = {
    kind,
    note:
      kind === 'sinusoid'
        ? 'This model adds a fixed sinusoid table to the token embeddings: position p is a vector of sines and cosines of p at falling frequencies.'
        : `This model adds a learned position vector (a row of ${tables.position.name}) to each token's embedding.`,
    table: { name: tables.position.name ?? '', rows, totalRows, width, data },
  };
  if (tables.token) {
    const position = await ablated(folder, model, tables.position.name ?? '', ids);
    const token = await ablated(folder, model, tables.token.name ?? '', ids);
    report.effects = {
      position: position.map((layer, l) => headShift(baseline[l], layer, ids.length)),
      token: token.map((layer, l) => headShift(baseline[l], layer, ids.length)),
    };
  }
  return report;
}

/** The attention of a copy of the model with initializer `name` zeroed. */
async function ablated(
  folder: Folder,
  model: onnx.IModelProto,
  name: string,
  ids: readonly number[],
): Promise<Float32Array[]> {
  const copy = decodeOnnx(encodeOnnx(model), folder.label);
  const tensor = copy.graph?.initializer?.find((t) => t.name === name);
  if (!tensor) throw new Error(`the table ${name} went missing while editing the graph`);
  zeroTable(tensor);
  const session = await createSession(encodeOnnx(copy), folder.externalData);
  try {
    const outputs = await session.run(makeFeeds(folder.feeds, ids), [...folder.attentionOutputs]);
    const names = folder.attentionOutputs;
    return extractAttention(
      names.map((n) => outputs[n]),
      names,
      folder.manifest.heads,
      ids.length,
      folder.label,
      folder.graphFile,
    );
  } finally {
    await session.release();
  }
}

/** Per head, the mean over query rows of ½ Σ |a − b| (total-variation distance). */
export function headShift(a: Float32Array, b: Float32Array, n: number): Float32Array {
  const heads = a.length / (n * n);
  const out = new Float32Array(heads);
  for (let h = 0; h < heads; h++) {
    let total = 0;
    for (let i = h * n * n; i < (h + 1) * n * n; i++) total += Math.abs(a[i] - b[i]);
    out[h] = total / 2 / n;
  }
  return out;
}

/** True when the rows are the classic sin/cos table (interleaved or in two halves). */
export function isSinusoid(data: Float32Array, rows: number, width: number): boolean {
  const half = width / 2;
  const freq = (i: number) => 1 / 10000 ** ((2 * i) / width);
  let interleaved = true;
  let halves = true;
  for (let p = 0; p < rows && (interleaved || halves); p++) {
    for (let i = 0; i < half; i++) {
      const [s, c] = [Math.sin(p * freq(i)), Math.cos(p * freq(i))];
      const row = p * width;
      if (Math.abs(data[row + 2 * i] - s) > 1e-3 || Math.abs(data[row + 2 * i + 1] - c) > 1e-3)
        interleaved = false;
      if (Math.abs(data[row + i] - s) > 1e-3 || Math.abs(data[row + half + i] - c) > 1e-3)
        halves = false;
    }
  }
  return interleaved || halves;
}
