/**
 * The ONNX graph files a Hugging Face export folder may hold, what their names say, and
 * the order in which we prefer them. One home for this fact: the folder loader and the
 * Hub downloader both choose through `rankGraphFiles`.
 *
 * Names follow Optimum (`model.onnx`, `encoder_model.onnx`, `decoder_model.onnx`,
 * `decoder_with_past_model.onnx`, `decoder_model_merged.onnx`) and Transformers.js, which
 * keeps them under `onnx/` with a dtype suffix (`model_fp16.onnx`, `model_quantized.onnx`,
 * `model_int8.onnx`, `model_uint8.onnx`, `model_q4.onnx`, `model_q4f16.onnx`,
 * `model_bnb4.onnx`). See docs/model-format.md.
 */

/** What a graph computes. */
export const GRAPH_ROLES = [
  'model',
  'encoder',
  'decoder',
  'decoderMerged',
  'decoderWithPast',
] as const;
export type GraphRole = (typeof GRAPH_ROLES)[number];

/**
 * Weight formats, best first: plain fp32 gives the attention the model was trained to
 * compute; every other format only approximates it, so it is chosen only when alone.
 */
export const GRAPH_VARIANTS = [
  'fp32',
  'fp16',
  'quantized',
  'int8',
  'uint8',
  'q4',
  'q4f16',
  'bnb4',
] as const;
export type GraphVariant = (typeof GRAPH_VARIANTS)[number];

/** One ONNX graph file of a folder. */
export interface GraphFile {
  /** Path inside the folder, `/`-separated (`model.onnx`, `onnx/model_q4.onnx`). */
  path: string;
  role: GraphRole;
  variant: GraphVariant;
}

const ROLE_STEMS: Record<string, GraphRole> = {
  model: 'model',
  encoder_model: 'encoder',
  decoder_model: 'decoder',
  decoder_model_merged: 'decoderMerged',
  decoder_with_past_model: 'decoderWithPast',
};

/** Where graphs may lie, preferred first: Optimum writes them at the top, Transformers.js under `onnx/`. */
export const GRAPH_DIRECTORIES = ['', 'onnx/'] as const;

function directoryOf(path: string): (typeof GRAPH_DIRECTORIES)[number] | undefined {
  return GRAPH_DIRECTORIES.find((d) => path.startsWith(d) && !path.slice(d.length).includes('/'));
}

/** Reads what a file name says; `undefined` for a file that is not a known graph name. */
export function parseGraphFile(path: string): GraphFile | undefined {
  const dir = directoryOf(path);
  if (dir === undefined || !path.endsWith('.onnx')) return undefined;
  const stem = path.slice(dir.length, -'.onnx'.length);
  for (const variant of GRAPH_VARIANTS) {
    const base =
      variant === 'fp32'
        ? stem
        : stem.endsWith(`_${variant}`)
          ? stem.slice(0, -variant.length - 1)
          : '';
    const role = Object.hasOwn(ROLE_STEMS, base) ? ROLE_STEMS[base] : undefined;
    if (role !== undefined) return { path, role, variant };
  }
  return undefined;
}

/**
 * Roles that can run a whole sequence in one pass, for a model that is a decoder or an
 * encoder alone, best first. A merged decoder runs too (its `use_cache_branch` = false
 * branch), but the plain graph is preferred because it needs no `If` editing.
 * `decoder_with_past_model` cannot start from an empty past and is never chosen.
 */
export const SINGLE_GRAPH_ROLES: readonly GraphRole[] = ['model', 'decoder', 'decoderMerged'];

/**
 * The graph files among `paths` that a single-graph model can run, best first: by role
 * (`SINGLE_GRAPH_ROLES`), then variant (`GRAPH_VARIANTS`), then directory
 * (`GRAPH_DIRECTORIES`).
 */
export function rankGraphFiles(
  paths: readonly string[],
  roles: readonly GraphRole[] = SINGLE_GRAPH_ROLES,
): GraphFile[] {
  const rank = (file: GraphFile) => [
    roles.indexOf(file.role),
    GRAPH_VARIANTS.indexOf(file.variant),
    GRAPH_DIRECTORIES.indexOf(directoryOf(file.path) as (typeof GRAPH_DIRECTORIES)[number]),
  ];
  return paths
    .map(parseGraphFile)
    .filter((file): file is GraphFile => file !== undefined && roles.includes(file.role))
    .sort((a, b) => {
      const [ra, rb] = [rank(a), rank(b)];
      return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
    });
}

/**
 * The files that hold a graph's external weights, in the names the ONNX exporters use:
 * `model.onnx_data`, `model.onnx.data`, and the numbered `model.onnx_data_1`… of
 * Transformers.js. The graph itself names the files it needs; these are what a
 * downloader fetches along with `graph`.
 */
export function isExternalDataOf(graph: string, path: string): boolean {
  if (!path.startsWith(graph)) return false;
  return /^(_data|\.data|_data_\d+)$/.test(path.slice(graph.length));
}

/** Every graph path `parseGraphFile` recognises, for sources that cannot list a folder (URLs). */
export function knownGraphPaths(): string[] {
  return GRAPH_DIRECTORIES.flatMap((dir) =>
    Object.keys(ROLE_STEMS).flatMap((stem) =>
      GRAPH_VARIANTS.map(
        (variant) => `${dir}${stem}${variant === 'fp32' ? '' : `_${variant}`}.onnx`,
      ),
    ),
  );
}
