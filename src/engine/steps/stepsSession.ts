/**
 * The session that serves head steps (the Steps view, `--steps`): the model with every
 * layer's step tensors exposed, created only when steps are first asked for, so the
 * session that draws attention keeps its speed and memory. A run fetches only the layers
 * asked for and copies out only the heads asked for.
 */
import { EngineRunError } from '../errors';
import { makeFeeds } from '../inference/graphFeeds';
import { createSession, type InferenceSession, type Tensor } from '../inference/ortRuntime';
import type { GraphVariant } from '../folder/onnxGraphFiles';
import type { ExposedStepTensors } from '../graph/exposeStepTensors';
import { loadModelFolder, type LoadedModelFolder } from '../folder/loadModelFolder';
import type { ModelFiles } from '../folder/modelFiles';
import type { Architecture, HeadSteps, HeadStepsRequest } from '../types';
import { halfToFloat } from '../attention/extractAttention';
import { headSteps, type LayerStepTensors, type StepTensor } from './headSteps';

/** Heads one run may ask for: each costs a few N×M arrays (N = M = 8192 is 256 MiB each). */
export const MAX_STEP_HEADS = 16;

export class StepsSession {
  private constructor(
    private readonly folder: Pick<LoadedModelFolder, 'feeds' | 'manifest'>,
    private readonly layers: ExposedStepTensors[],
    private readonly session: InferenceSession,
  ) {}

  static async load(files: ModelFiles, variant?: GraphVariant): Promise<StepsSession> {
    const folder = await loadModelFolder(files, {
      headSteps: true,
      ...(variant ? { variant } : {}),
    });
    const session = await createSession(folder.onnxBytes, folder.externalData);
    return new StepsSession(folder, folder.headStepOutputs ?? [], session);
  }

  /** Frees the session's memory in the WASM heap. */
  release(): Promise<void> {
    return this.session.release();
  }

  /** Runs `ids` and returns the steps of each requested head, in request order. */
  async run(ids: readonly number[], requests: readonly HeadStepsRequest[]): Promise<HeadSteps[]> {
    const { layers, heads, architecture } = this.folder.manifest;
    checkRequests(requests, layers, heads, architecture);
    const past = this.folder.feeds.find((f) => f.kind === 'emptyPast');
    const kvHeads = past?.kind === 'emptyPast' ? past.dims[1] : undefined;
    const feeds = makeFeeds(this.folder.feeds, ids);
    return runLayerSteps(this.session, feeds, this.layers, requests, heads, kvHeads);
  }
}

/**
 * One run of a session with step tensors exposed: fetches only the layers asked for and
 * cuts out each requested head (`layers` indexed by `request.layer`), in request order.
 */
export async function runLayerSteps(
  session: InferenceSession,
  feeds: Record<string, Tensor>,
  layers: readonly ExposedStepTensors[],
  requests: readonly HeadStepsRequest[],
  heads: number,
  kvHeads: number | undefined,
): Promise<HeadSteps[]> {
  const wanted = [...new Set(requests.map((r) => r.layer))];
  const fetches = wanted.flatMap((l) => namesOf(layers[l]));
  const outputs = await session.run(feeds, fetches);
  const byLayer = new Map(wanted.map((l) => [l, layerTensors(layers[l], outputs)]));
  return requests.map((request) =>
    headSteps(byLayer.get(request.layer) as LayerStepTensors, request, heads, kvHeads),
  );
}

/** Refuses requests the model cannot answer, naming the valid range. */
export function checkRequests(
  requests: readonly HeadStepsRequest[],
  layers: number,
  heads: number,
  architecture: Architecture,
): void {
  if (requests.length > MAX_STEP_HEADS) {
    throw new EngineRunError(
      `Steps were asked for ${requests.length} heads; ask for at most ${MAX_STEP_HEADS} at a time.`,
      'badInput',
    );
  }
  for (const { kind, layer, head } of requests) {
    if (kind !== undefined && kind !== architecture) {
      throw new EngineRunError(
        `Steps of ${kind} attention were asked for, but this model is ${architecture === 'encoder' ? 'an encoder' : 'a decoder'}: leave out the "${kind}:" prefix.`,
        'badInput',
      );
    }
    if (
      !Number.isInteger(layer) ||
      layer < 0 ||
      layer >= layers ||
      !Number.isInteger(head) ||
      head < 0 ||
      head >= heads
    ) {
      throw new EngineRunError(
        `There is no layer ${layer}, head ${head}: this model has layers 0–${layers - 1} and heads 0–${heads - 1}.`,
        'badInput',
      );
    }
  }
}

function namesOf(layer: ExposedStepTensors): string[] {
  const { scales, softcap, ...named } = layer;
  return [...Object.values(named), ...scales.map((s) => s.operand), ...(softcap ? [softcap] : [])];
}

function layerTensors(
  layer: ExposedStepTensors,
  outputs: Record<string, Tensor>,
): LayerStepTensors {
  const read = (name: string): StepTensor => {
    const tensor = outputs[name];
    const data =
      tensor?.data instanceof Float32Array
        ? tensor.data
        : tensor?.type === 'float16' && tensor.data instanceof Uint16Array
          ? halfToFloat(tensor.data)
          : undefined;
    if (!tensor || !data) throw new Error(`the step tensor ${name} is missing or not float`);
    return { data, dims: tensor.dims };
  };
  const scales = layer.scales.map((s) => {
    const values = read(s.operand).data;
    // A scale is one number, maybe broadcast to a shape; anything else is not a scale.
    if (values.length === 0 || values.some((x) => x !== values[0])) {
      throw new Error(`${s.operand} divides or multiplies the scores but is not one number`);
    }
    return { value: values[0], op: s.op, at: s.at };
  });
  return {
    query: read(layer.query),
    keyTransposed: read(layer.keyTransposed),
    rawScores: read(layer.rawScores),
    softmaxInput: read(layer.softmaxInput),
    value: read(layer.value),
    output: read(layer.output),
    scales,
    ...(layer.softcap ? { softcap: read(layer.softcap).data[0] } : {}),
  };
}
