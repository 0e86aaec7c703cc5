/**
 * A folder whose norms are refused, for the tests that the refusal is said, not guessed
 * around: hf/gpt2-optimized copied to a temporary folder with model_bnb4.onnx's layer-0 output
 * projection set to transB 0. onnxruntime still runs that MatMulBnb4 (W_O is 32 × 32), but
 * the engine reads MatMulBnb4 only as exporters write it (transB 1, graph/exposeHeadNorms.ts),
 * so the projection after the head merge is not found.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import type { Engine } from '../../../src/engine/engine';
import { decodeOnnx } from '../../../src/engine/graph/decodeOnnx';
import { encodeOnnx } from '../../../src/engine/graph/exposeTensors';
import { HF_FIXTURES } from '../folder/hfFixtures';

export interface ScratchFolder {
  dir: string;
  remove(): void;
}

/** Runs `use` on a fresh such folder, removed afterwards. */
export async function withUnreadProjection<T>(use: (dir: string) => Promise<T> | T): Promise<T> {
  const scratch = unreadProjectionFolder();
  try {
    return await use(scratch.dir);
  } finally {
    scratch.remove();
  }
}

/** The short bnb4 inspection of such a folder that the refusal tests look at. */
export function inspectUnread(engine: Engine, dir: string) {
  return engine.inspectHeld(dir, 'the cat sat', { maxTokens: 8, variant: 'bnb4' });
}

export function unreadProjectionFolder(): ScratchFolder {
  const dir = mkdtempSync(join(tmpdir(), 'unread-projection-'));
  cpSync(join(HF_FIXTURES, 'gpt2-optimized'), dir, { recursive: true });
  const file = join(dir, 'model_bnb4.onnx');
  const model = decodeOnnx(readFileSync(file), file);
  const node = (model.graph?.node ?? []).find((n) => n.name === 'MatMul_0_c_proj_bnb4');
  if (!node) throw new Error('model_bnb4.onnx has no MatMul_0_c_proj_bnb4');
  node.attribute = [
    ...(node.attribute ?? []),
    { name: 'transB', i: 0, type: onnxProto.onnx.AttributeProto.AttributeType.INT },
  ];
  writeFileSync(file, encodeOnnx(model as onnx.IModelProto));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
