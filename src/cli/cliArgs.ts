/** Command-line arguments of `dist/cli.js`, parsed with Node's own `util.parseArgs`. */
import { parseArgs } from 'node:util';
import { DEFAULT_TOP_PREDICTIONS } from '../engine/inference/predictionGraph';
import { GRAPH_VARIANTS, type GraphVariant } from '../engine/folder/onnxGraphFiles';
import { MAX_TARGET_TOKENS } from '../engine/inference/inspectSeq2Seq';
import { DEFAULT_MAX_NEW_TOKENS, type HeadStepsRequest, type TargetRequest } from '../engine/types';
import { DEFAULT_RUN_TIMEOUT_SECONDS, RUN_TIMEOUT_RANGE } from '../worker/runDeadline';
import { parseStepsArg } from './stepsArg';
import { bareVariantIndex } from './variantList';

export const USAGE = `Usage: node dist/cli.js [--model DIR|ORG/NAME[@REV] [--download]] (--text-file FILE | --text STR) [--out FILE]
         [--layers 0,2] [--heads 1,3] [--digits N] [--max-tokens N] [--threads N] [--top-k N]
         [--variant ${GRAPH_VARIANTS.join('|')}] [--target-text STR | --max-new-tokens N]
         [--steps L:H[,L:H…]] [--timeout SECONDS]
Writes the attention export (docs/attention-json.md) to FILE or stdout.
For an encoder-decoder (T5, Marian, BART) the text is the source; the target is the
model's greedy output (at most --max-new-tokens, default ${DEFAULT_MAX_NEW_TOKENS}) or --target-text, teacher-forced.
--steps adds the arithmetic of those heads (q, k, v, q·kᵀ, scale, bias, mask, weights·v)
as "steps"; for an encoder-decoder name each head's attention: enc:L:H, dec:L:H, cross:L:H.
Without --model it uses the bundled default model. DIR is a folder with our manifest.json or
a Hugging Face export (config.json, tokenizer.json, model.onnx or onnx/*.onnx); --variant
picks its graph when it has several (default: fp32 first); --variant alone lists them with their sizes. ORG/NAME[@REV] (when no such
folder exists) is a model of the Hugging Face cache: node dist/cli.js models lists them;
with --download one the cache lacks is fetched into it from the Hub (HF_ENDPOINT, HF_TOKEN).
--threads N sets the WASM threads (default 0: 1 for small models, else the cores, at most 4).
--max-tokens N inspects at most N tokens (default: the model's context, bounded by what fits
in the engine's memory for big models).
--timeout bounds each stage of the run (default ${DEFAULT_RUN_TIMEOUT_SECONDS} s, more for big models and
long texts); past it the engine is stopped and the run fails, naming what was running.`;

export interface CliArgs {
  model?: string;
  text?: string;
  textFile?: string;
  out?: string;
  layers?: number[];
  heads?: number[];
  digits?: number;
  maxTokens?: number;
  threads: number;
  topK: number;
  variant?: GraphVariant;
  /** Encoder-decoders: the target (greedy by default). */
  target?: TargetRequest;
  steps?: HeadStepsRequest[];
  /** Fetch `--model ORG/NAME` from the Hub into the cache when the cache lacks it. */
  download: boolean;
  /** The watchdog's base bound in seconds (src/worker/runDeadline.ts). */
  timeoutSeconds: number;
  help: boolean;
  /** `--variant` without a name: list the folder's variants and their sizes instead of running. */
  listVariants: boolean;
}

/** A problem with the command line; the message says how to fix it. */
export class UsageError extends Error {}

export function parseCliArgs(argv: string[]): CliArgs {
  const bare = bareVariantIndex(argv);
  const values = parseOptions(bare < 0 ? argv : argv.filter((_, i) => i !== bare));
  const listVariants = bare >= 0;
  if (
    !values.help &&
    !listVariants &&
    (values.text === undefined) === (values['text-file'] === undefined)
  ) {
    throw new UsageError(
      'Give exactly one of --text STR or --text-file FILE. Run with --help for usage.',
    );
  }
  if (values['target-text'] !== undefined && values['max-new-tokens'] !== undefined) {
    throw new UsageError(
      '--max-new-tokens limits greedy decoding; with --target-text nothing is generated. Give one of them.',
    );
  }
  return {
    model: values.model,
    text: values.text,
    textFile: values['text-file'],
    out: values.out,
    layers: values.layers === undefined ? undefined : indexList(values.layers, '--layers'),
    heads: values.heads === undefined ? undefined : indexList(values.heads, '--heads'),
    digits: values.digits === undefined ? undefined : integer(values.digits, '--digits', 1, 9),
    maxTokens:
      values['max-tokens'] === undefined
        ? undefined
        : integer(values['max-tokens'], '--max-tokens', 2, 1 << 20),
    threads: values.threads === undefined ? 0 : integer(values.threads, '--threads', 0, 64),
    topK:
      values['top-k'] === undefined
        ? DEFAULT_TOP_PREDICTIONS
        : integer(values['top-k'], '--top-k', 0, 100),
    ...(values.variant === undefined ? {} : { variant: variant(values.variant) }),
    ...target(values['target-text'], values['max-new-tokens']),
    ...(values.steps === undefined ? {} : { steps: steps(values.steps) }),
    timeoutSeconds:
      values.timeout === undefined
        ? DEFAULT_RUN_TIMEOUT_SECONDS
        : integer(values.timeout, '--timeout', RUN_TIMEOUT_RANGE.min, RUN_TIMEOUT_RANGE.max),
    download: values.download ?? false,
    help: values.help ?? false,
    listVariants,
  };
}

/** Node's parse of the options; its errors become a `UsageError`. */
function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      options: {
        model: { type: 'string' },
        text: { type: 'string' },
        'text-file': { type: 'string' },
        out: { type: 'string' },
        layers: { type: 'string' },
        heads: { type: 'string' },
        digits: { type: 'string' },
        'max-tokens': { type: 'string' },
        threads: { type: 'string' },
        'top-k': { type: 'string' },
        variant: { type: 'string' },
        'target-text': { type: 'string' },
        'max-new-tokens': { type: 'string' },
        steps: { type: 'string' },
        timeout: { type: 'string' },
        download: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run with --help for usage.`);
  }
}

function target(text: string | undefined, maxNew: string | undefined): { target?: TargetRequest } {
  if (text !== undefined) {
    if (text.trim() === '') {
      throw new UsageError(
        '--target-text is empty; give the translation to inspect, or leave it out to let the model generate one.',
      );
    }
    return { target: { kind: 'given', text } };
  }
  if (maxNew === undefined) return {};
  return {
    target: {
      kind: 'greedy',
      maxNewTokens: integer(maxNew, '--max-new-tokens', 1, MAX_TARGET_TOKENS - 1),
    },
  };
}

function variant(text: string): GraphVariant {
  if ((GRAPH_VARIANTS as readonly string[]).includes(text)) return text as GraphVariant;
  throw new UsageError(`--variant takes one of ${GRAPH_VARIANTS.join(', ')}, not "${text}".`);
}

function steps(text: string): HeadStepsRequest[] {
  try {
    return parseStepsArg(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function integer(text: string, flag: string, min: number, max: number): number {
  // Digits only: Number() would also take "", " ", "0x10" and "1e3".
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not "${text}".`);
  }
  return value;
}

function indexList(text: string, flag: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  // Number('') is 0: without this check "", "," and "0," would quietly select index 0.
  if (parts.some((part) => part === '')) {
    throw new UsageError(
      `${flag} takes a comma-separated list of indices such as 0,2, not "${text}".`,
    );
  }
  return parts.map((part) => integer(part, flag, 0, 1 << 16));
}
