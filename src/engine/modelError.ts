/** What was wrong with a model folder; stable, for code that reacts to particular problems. */
export type ModelProblem =
  | 'missingFile'
  | 'unreadableFile'
  | 'notRegularFile'
  | 'tooLarge'
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
  | 'badAttentionShape'
  | 'runFailed';

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

/**
 * Parses a folder file as JSON; a syntax error is a `badJson` ModelError naming the file.
 * The message says where, never what: V8 quotes the text around the error, and a symlink
 * may lead anywhere (a secret must not end up in a message or a log).
 */
export function parseJsonFile(
  bytes: Uint8Array,
  label: string,
  file: string,
  advice: string,
): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw modelError(
      'badJson',
      label,
      file,
      `not valid JSON (${whereJsonFails(text, (error as Error).message)})`,
      advice,
    );
  }
}

function whereJsonFails(text: string, message: string): string {
  if (/unexpected end/i.test(message)) return 'it ends too early';
  const at = /position (\d+)/.exec(message);
  if (!at)
    return text.includes('\uFFFD') || text.includes('\0')
      ? 'it holds binary data'
      : 'a syntax error';
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  return `a syntax error at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}
