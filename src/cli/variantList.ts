/**
 * `--variant` given without a name: the folder's graph variants, best first, each with its
 * size on disk (external weights included), and how to pick one. The same list Select
 * Model… offers (src/util/graphVariants.ts, src/util/graphFileSize.ts).
 */
import { formatBytes, graphFileBytes } from '../util/graphFileSize';
import { runnableGraphFiles } from '../util/graphVariants';

/** The index of a `--variant` that has no value after it (the end, or another option next), or -1. */
export function bareVariantIndex(argv: readonly string[]): number {
  return argv.findIndex(
    (arg, i) => arg === '--variant' && (i + 1 === argv.length || argv[i + 1].startsWith('-')),
  );
}

/** The listing printed for a bare `--variant`. */
export async function variantListing(modelDir: string, modelName: string): Promise<string> {
  const files = await runnableGraphFiles(modelDir);
  if (files.length === 0) {
    return `${modelName} has no graph variants to choose from: --variant picks among a Hugging Face export's graph files (model.onnx, onnx/model_q4.onnx…); a manifest.json folder or an encoder-decoder runs the graphs it names.\n`;
  }
  const width = Math.max(...files.map((f) => f.variant.length));
  const pathWidth = Math.max(...files.map((f) => f.path.length));
  const rows = files.map((file, i) => {
    const bytes = graphFileBytes(modelDir, file.path);
    const size = bytes === undefined ? 'size unknown' : formatBytes(bytes);
    const note = i === 0 ? '  (default)' : '';
    return `  ${file.variant.padEnd(width)}  ${file.path.padEnd(pathWidth)}  ${size}${note}`;
  });
  const other = (files[1] ?? files[0]).variant;
  return (
    `Graph variants of ${modelName}, best first (sizes on disk, external weights included):\n` +
    `${rows.join('\n')}\n` +
    `Pick one with --variant NAME, e.g. --variant ${other}; without --variant the first is used.\n`
  );
}
