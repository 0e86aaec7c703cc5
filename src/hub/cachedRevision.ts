/**
 * Whether one snapshot folder of the Hugging Face cache (`models--org--name/snapshots/<commit>/`)
 * is a model this engine can open, without reading its graphs: its files are recognised the
 * way the folder loader recognises them (manifest.json, or config.json + tokenizer.json + an
 * ONNX graph ranked by `rankGraphFiles`), and every link is followed only where the loader
 * follows it (`confinedPath`: the snapshot and its repository's `blobs/`).
 */
import { readFile, stat } from 'node:fs/promises';
import { readConfigFacts } from '../engine/folder/modelConfig';
import { confinedPath } from '../engine/folder/folderPaths';
import { nodeModelFiles } from '../engine/folder/nodeModelFiles';
import {
  rankGraphFiles,
  SEQ2SEQ_DECODER_ROLES,
  type GraphFile,
  type GraphVariant,
} from '../engine/folder/onnxGraphFiles';
import type { Architecture } from '../engine/types';

/** What a usable snapshot holds. */
export interface RevisionModel {
  /** `model_type` from config.json, or `manifest` for a folder with our manifest.json. */
  family: string;
  architecture?: Architecture;
  layers?: number;
  heads?: number;
  /** Bytes of the snapshot's files (the top and `onnx/`), links followed into `blobs/`. */
  bytes: number;
  /** Graph variants the folder can run, best first (`fp32`, `fp16`, `q4`, …). */
  variants: GraphVariant[];
}

/** The model in `dir`, or why it cannot be opened (one line naming the file). */
export type RevisionCheck = { model: RevisionModel } | { reason: string };

export async function checkRevision(dir: string): Promise<RevisionCheck> {
  let paths: string[];
  try {
    paths = await nodeModelFiles(dir).list([]);
  } catch (error) {
    return { reason: (error as Error).message };
  }
  const present: string[] = [];
  let bytes = 0;
  for (const path of paths) {
    let real: string | undefined;
    try {
      real = await confinedPath(dir, path);
    } catch {
      return {
        reason: `${path} is a symbolic link to a file outside the cache; it is not followed`,
      };
    }
    if (real === undefined) continue; // a link whose blob is gone: the file is missing
    const stats = await stat(real).catch(() => undefined);
    if (!stats?.isFile()) continue;
    present.push(path);
    bytes += stats.size;
  }
  if (present.includes('manifest.json')) return manifestFolder(dir, present, bytes);
  return exportFolder(dir, present, bytes);
}

async function manifestFolder(
  dir: string,
  present: string[],
  bytes: number,
): Promise<RevisionCheck> {
  const missing = ['model.onnx', 'tokenizer.json'].filter((file) => !present.includes(file));
  if (missing.length > 0) return { reason: `${missing.join(' and ')} not found` };
  const manifest = await readJson(dir, 'manifest.json');
  if (typeof manifest === 'string') return { reason: manifest };
  return {
    model: {
      family: 'manifest',
      ...architectureOf(isArchitecture(manifest.architecture) ? manifest.architecture : undefined),
      ...count('layers', manifest.layers),
      ...count('heads', manifest.heads),
      bytes,
      variants: ['fp32'],
    },
  };
}

async function exportFolder(dir: string, present: string[], bytes: number): Promise<RevisionCheck> {
  if (!present.includes('config.json')) return { reason: 'config.json not found' };
  const config = await readJson(dir, 'config.json');
  if (typeof config === 'string') return { reason: config };
  const facts = readConfigFacts(config);
  const encoders = rankGraphFiles(present, ['encoder']);
  const seq2seq = encoders.length > 0 || facts.architecture === 'encoder-decoder';
  const variants = seq2seq
    ? pairedVariants(encoders, rankGraphFiles(present, SEQ2SEQ_DECODER_ROLES))
    : unique(rankGraphFiles(present).map((file) => file.variant));
  if (variants.length === 0) {
    const graphs = present.filter((path) => path.endsWith('.onnx'));
    return {
      reason:
        graphs.length === 0
          ? 'no ONNX graph (model.onnx at the top or onnx/*.onnx)'
          : `no graph this version can run (found ${graphs.join(', ')})`,
    };
  }
  if (!present.includes('tokenizer.json')) return { reason: 'tokenizer.json not found' };
  return {
    model: {
      family: facts.modelType || 'unknown',
      ...architectureOf(seq2seq ? 'encoder-decoder' : facts.architecture),
      ...count('layers', facts.layers),
      ...count('heads', facts.heads),
      bytes,
      variants,
    },
  };
}

/** Variants with both an encoder and a decoder: the loader pairs them by precision. */
function pairedVariants(encoders: GraphFile[], decoders: GraphFile[]): GraphVariant[] {
  const decoderVariants = new Set(decoders.map((file) => file.variant));
  return unique(encoders.map((file) => file.variant)).filter((v) => decoderVariants.has(v));
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** The parsed JSON object, or a one-line reason. */
async function readJson(dir: string, name: string): Promise<Record<string, unknown> | string> {
  try {
    const real = (await confinedPath(dir, name)) as string;
    const json: unknown = JSON.parse(await readFile(real, 'utf8'));
    if (typeof json === 'object' && json !== null && !Array.isArray(json))
      return json as Record<string, unknown>;
    return `${name} is not a JSON object`;
  } catch (error) {
    return `${name} cannot be read: ${(error as Error).message}`;
  }
}

function count<K extends string>(key: K, value: unknown): Partial<Record<K, number>> {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
    ? ({ [key]: value } as Record<K, number>)
    : {};
}

function architectureOf(value: Architecture | undefined): { architecture?: Architecture } {
  return value ? { architecture: value } : {};
}

function isArchitecture(value: unknown): value is Architecture {
  return value === 'decoder' || value === 'encoder' || value === 'encoder-decoder';
}
