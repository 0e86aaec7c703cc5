/** What was wrong with a model folder; stable, for code that reacts to particular problems. */
export type ModelProblem =
  | 'missingFile'
  | 'unreadableFile'
  | 'badJson'
  | 'badManifest'
  | 'corruptOnnx'
  | 'unsupportedOnnx'
  | 'missingGraphName'
  | 'vocabMismatch'
  | 'badTokenizer'
  | 'missingSpecialToken'
  | 'fusedAttention'
  | 'attentionNotFound'
  | 'badAttentionShape';

/**
 * A model folder that cannot be used. `code` is always `badModel` (it crosses the worker
 * channel as the RPC error code); `message` names the folder, the file and the problem and
 * says what to do.
 */
export class ModelError extends Error {
  readonly code = 'badModel';

  constructor(
    /** The kind of problem. */
    readonly problem: ModelProblem,
    /** The file at fault, relative to the folder (`manifest.json`, `model.onnx`, …). */
    readonly file: string,
    message: string,
    /** The manifest field at fault, for `badManifest` (e.g. `outputs.attentions`). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

/** Builds the error with the usual message shape: `<folder>/<file>: <problem>. <advice>` */
export function modelError(
  problem: ModelProblem,
  label: string,
  file: string,
  what: string,
  advice: string,
  field?: string,
): ModelError {
  return new ModelError(problem, file, `${label}/${file}: ${what}. ${advice}`, field);
}

/** Parses a folder file as JSON; a syntax error is a `badJson` ModelError naming the file. */
export function parseJsonFile(bytes: Uint8Array, label: string, file: string, advice: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw modelError('badJson', label, file, `not valid JSON (${(error as Error).message})`, advice);
  }
}
