/**
 * `node dist/cli.js`: the engine without VS Code. Prints the export JSON, or one line
 * that says what went wrong and what to do, with a non-zero exit.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../engine/engine';
import { attentionJsonChunks, resolveSelection } from '../engine/export/attentionJson';
import { warmUpRuntime } from '../engine/inference/predictionGraph';
import { configureOrt } from '../engine/inference/ortRuntime';
import { nodeModelFiles } from '../engine/model/nodeModelFiles';
import { parseCliArgs, USAGE, UsageError } from './cliArgs';

/** The bundled default model, relative to dist/. */
export const DEFAULT_MODEL = join(__dirname, '..', 'models', 'mini-code-gpt');

async function main(argv: string[]): Promise<void> {
  const args = parseCliArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const text = args.text ?? (await readTextFile(args.textFile as string));
  configureOrt(pathToFileURL(join(__dirname, 'ort')).href, args.threads);
  // The runtime's WASM compiles off the main thread while the model folder is read.
  warmUpRuntime();
  const engine = new Engine(nodeModelFiles);
  const result = await engine.inspect(resolve(args.model ?? DEFAULT_MODEL), text, {
    maxTokens: args.maxTokens,
    topK: args.topK,
  });
  const options = { layers: args.layers, heads: args.heads, digits: args.digits };
  resolveSelection(result, options);
  if (result.truncation) process.stderr.write(`note: ${result.truncation.reason}\n`);
  const out = args.out ? createWriteStream(args.out) : process.stdout;
  for (const chunk of attentionJsonChunks(result, options)) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  if (args.out) {
    out.end();
    await once(out, 'finish');
  }
}

async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new UsageError(`Cannot read the text file ${path}: ${why}. Pass a readable file to --text-file.`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message.split('\n')[0]}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
