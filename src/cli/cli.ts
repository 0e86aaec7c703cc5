/**
 * `node dist/cli.js`: the engine without VS Code. Prints the export JSON, or one line
 * that says what went wrong and what to do, with a non-zero exit.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import {
  type AttentionSlicer,
  type ChunkSink,
  resolveSelection,
  streamAttentionJson,
} from '../engine/export/attentionJson';
import { knob } from '../engine/surface';
import { EngineClient } from '../worker/engineClient';
import { startNodeWorker } from '../worker/nodeWorkerHandle';
import { threadsFor } from '../worker/threadChoice';
import { normsExport, probeNorms } from './normsExport';
import { parseCliArgs, USAGE } from './cliArgs';
import { reportFailure } from './failureLine';
import { openOutFile } from './outFile';
import { BUNDLED_MODEL } from '../util/modelLocation';
import { resolveModelArg } from './modelArg';
import { printCachedModels } from './modelsCommand';
import { generationNotes } from './generationNotes';
import { runHeadsCommand } from './headsCommand';
import { readTextFile } from './textFile';
import { tierUpLate } from '../worker/wasmTiering';
import { variantListing } from './variantList';

/** The bundled default model; dist/cli.js lies one folder below the package root. */
export const DEFAULT_MODEL = join(__dirname, '..', BUNDLED_MODEL);

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'heads') {
    await runHeadsCommand(argv.slice(1), DEFAULT_MODEL, __dirname);
    return;
  }
  if (argv[0] === 'models') {
    process.stdout.write(await printCachedModels(argv.slice(1)));
    return;
  }
  const args = parseCliArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const modelDir = await resolveModelArg(args.model, DEFAULT_MODEL, args.download);
  if (args.listVariants) {
    process.stdout.write(await variantListing(modelDir, args.model ?? 'the bundled model'));
    return;
  }
  const text = args.text ?? (await readTextFile(args.textFile as string));
  // Opened before the run, so a bad --out is reported at once, not after inference.
  const out = args.out === undefined ? undefined : await openOutFile(args.out, args.textFile);
  // The engine runs in the worker the extension uses, under the same watchdog: a file-supplied
  // pattern or graph that never ends is stopped at its bound with a message naming it.
  tierUpLate();
  const numThreads = threadsFor({
    setting: args.threads,
    modelDir,
    ...(args.variant ? { variant: args.variant } : {}),
    tokens: Math.min(args.maxTokens ?? Number.POSITIVE_INFINITY, tokensGuess(text)),
    surface: 'cli',
  });
  const engine = new EngineClient(
    () =>
      startNodeWorker(join(__dirname, 'engine.worker.js'), {
        wasmDir: join(__dirname, 'ort'),
        numThreads,
        surface: 'cli',
        // Norms and the lens cost memory on every run: loaded only when exported.
        whatMoves: args.norms === true || args.logitLens !== undefined,
      }),
    {
      timeoutSeconds: args.timeoutSeconds,
      raiseHint: `raise ${knob('runTimeout', 'cli')} if the model is just slow`,
    },
  );
  try {
    // The attention stays in the worker; the export asks for the chosen layers and heads only,
    // a layer at a time, so the host never holds more than one layer of it (issue 22).
    const result = await engine.inspectHeld({
      modelDir,
      text,
      maxTokens: args.maxTokens,
      topK: args.topK,
      ...(args.variant ? { variant: args.variant } : {}),
      ...(args.target ? { target: args.target } : {}),
      ...(args.steps ? { steps: args.steps } : {}),
      ...(args.generate ? { generate: args.generate } : {}),
    }).result;
    for (const note of result.model.notes ?? []) process.stderr.write(`note: ${note}\n`);
    const options = {
      layers: args.layers,
      heads: args.heads,
      digits: args.digits,
      predictions: (rows: number[], k: number) =>
        engine.askHeld('predictions', { resultId: result.resultId, rows, k }),
      ...normsExport(engine, result.resultId, args),
    };
    resolveSelection(result, options);
    await probeNorms(engine, result.resultId, args);
    if (result.truncation) process.stderr.write(`note: ${result.truncation.reason}\n`);
    for (const note of generationNotes(args.generate, result))
      process.stderr.write(`note: ${note}\n`);
    if (args.target && !result.seq2seq)
      process.stderr.write(
        'note: the model is not an encoder-decoder; --target-text / --max-new-tokens were ignored.\n',
      );
    const slice: AttentionSlicer = (kind, layer, heads) =>
      engine.slice(result.resultId, { kind, layer, heads });
    await streamAttentionJson(result, slice, out ? (chunk) => out.write(chunk) : toStdout, options);
    await out?.commit();
  } catch (error) {
    await out?.abort();
    // Said before the engine's worker is torn down, so the message is out whatever that does.
    reportFailure(error);
  } finally {
    await engine.dispose();
  }
}

/** Writes to stdout, waiting for a slow reader (a pipe into `head`, a terminal) to drain. */
const toStdout: ChunkSink = async (chunk) => {
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
};

/** Tokens a text will give, for the thread rule: about 3 characters each in code and prose. */
function tokensGuess(text: string): number {
  return Math.ceil(text.length / 3);
}

main(process.argv.slice(2)).catch(reportFailure);
