/**
 * `node dist/cli.js heads`: which head of a model follows a pattern over a set of files
 * (issue 25). The files are read here, one at a time, and scored in the engine worker, which
 * keeps only the running tally; the ranking is printed as JSON (headsJson.ts).
 */
import { once } from 'node:events';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { knob } from '../engine/surface';
import { headScanJson, type SkippedFile } from '../engine/heads/headScanJson';
import { listCorpus, readCorpusFile } from '../util/corpusFiles';
import { headScanCall } from '../worker/headScanCall';
import { EngineClient } from '../worker/engineClient';
import { startNodeWorker } from '../worker/nodeWorkerHandle';
import { threadsFor } from '../worker/threadChoice';
import { UsageError } from './cliArgs';
import { reportFailure } from './failureLine';
import { HEADS_USAGE, parseHeadsArgs } from './headsArgs';
import { resolveModelArg } from './modelArg';

export async function runHeadsCommand(
  argv: string[],
  defaultModel: string,
  distDir: string,
): Promise<void> {
  const args = parseHeadsArgs(argv);
  if (args.help) {
    process.stdout.write(`${HEADS_USAGE}\n`);
    return;
  }
  const modelDir = await resolveModelArg(args.model, defaultModel, false);
  const corpus = await listCorpus(args.paths);
  if (corpus.files.length === 0) {
    const why = corpus.skipped.map((s) => `${s.path} ${s.reason}`).join('; ');
    throw new UsageError(
      `No files to scan in ${args.paths.join(' ')}${why ? ` (${why})` : ' (empty folders, or every file is ignored by .gitignore)'}.`,
    );
  }
  const numThreads = threadsFor({
    setting: args.threads,
    modelDir,
    ...(args.variant ? { variant: args.variant } : {}),
    tokens: args.windowTokens ?? 512,
    surface: 'cli',
  });
  const engine = new EngineClient(
    () =>
      startNodeWorker(join(distDir, 'engine.worker.js'), {
        wasmDir: join(distDir, 'ort'),
        numThreads,
        surface: 'cli',
        whatMoves: false,
      }),
    {
      timeoutSeconds: args.timeoutSeconds,
      raiseHint: `raise ${knob('runTimeout', 'cli')} if the model is just slow`,
    },
  );
  const skipped: SkippedFile[] = [...corpus.skipped];
  const scanId = 1;
  try {
    await headScanCall(engine, 'headScanStart', {
      scanId,
      modelDir,
      ...(args.variant ? { variant: args.variant } : {}),
      options: {
        pattern: args.pattern,
        ...(args.from === undefined ? {} : { from: args.from, to: args.to }),
        ...(args.windowTokens === undefined ? {} : { windowTokens: args.windowTokens }),
        budget: args.budget,
        examplesPerHead: args.examples,
        excludeFirst: args.excludeFirst,
        excludeCurrent: args.excludeCurrent,
      },
    });
    const progress = progressLine(corpus.files.length);
    let left = args.budget;
    let notRead = 0;
    for (const path of corpus.files) {
      if (left <= 0) {
        notRead++;
        continue;
      }
      const read = await readCorpusFile(path);
      const file = shown(path);
      if ('skip' in read) {
        skipped.push({ path: file, reason: read.skip });
        continue;
      }
      const scanned = await headScanCall(engine, 'headScanFile', { scanId, file, text: read.text });
      left = scanned.tokensLeft;
      progress(scanned.tokens);
    }
    progress.done();
    for (const s of skipped) process.stderr.write(`note: skipped ${shown(s.path)}: ${s.reason}\n`);
    if (notRead > 0) {
      process.stderr.write(
        `note: the token budget (${args.budget}) was spent; ${notRead} files were not read (raise --budget).\n`,
      );
    }
    const result = await headScanCall(engine, 'headScanEnd', { scanId });
    if (result.files.length === 0) {
      throw new UsageError(
        `No file could be scanned: all ${skipped.length} were skipped (the notes above say why).`,
      );
    }
    if (result.heads.every((h) => h.count === 0)) {
      throw new UsageError(
        `No query position matched the pattern ${args.pattern}${args.pattern === 'custom' ? ` (--from ${JSON.stringify(args.from)} --to ${JSON.stringify(args.to)})` : ''} in ${result.files.length} files (${result.tokens} tokens): nothing to rank.`,
      );
    }
    const text = headScanJson(result, skipped, args.examples);
    if (!process.stdout.write(text)) await once(process.stdout, 'drain');
  } catch (error) {
    // Said before the engine's worker is torn down, so the message is out whatever that does.
    reportFailure(error);
  } finally {
    await engine.dispose();
  }
}

/** A path as the JSON and the notes name it: relative inside the working folder, else absolute. */
function shown(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : resolve(path);
}

/** Files, tokens and tokens per second on stderr, when stderr is a terminal. */
function progressLine(total: number): ((tokens: number) => void) & { done(): void } {
  const started = performance.now();
  let files = 0;
  let tokens = 0;
  const show = Boolean(process.stderr.isTTY);
  const update = (more: number) => {
    files++;
    tokens += more;
    if (!show) return;
    const rate = Math.round(tokens / ((performance.now() - started) / 1000));
    process.stderr.write(`\r${files}/${total} files, ${tokens} tokens, ${rate} tokens/s`);
  };
  return Object.assign(update, {
    done: () => {
      if (show) process.stderr.write('\n');
    },
  });
}
