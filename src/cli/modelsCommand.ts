/**
 * `node dist/cli.js models`: the models of the Hugging Face cache that `--model org/name`
 * can open, one per revision, then what was left out and why.
 */
import { listCachedModels } from '../hub/hubCache';
import { UsageError } from './cliArgs';
import { cachedModelName, cachedModelSummary, skippedLine } from '../hub/cachedModelText';

export const MODELS_USAGE = `Usage: node dist/cli.js models
Lists the models of the Hugging Face cache ($HF_HUB_CACHE, else $HF_HOME/hub, else
~/.cache/huggingface/hub) that --model ORG/NAME[@REVISION] can open, and those it cannot, with why.`;

export async function printCachedModels(argv: string[]): Promise<string> {
  if (argv.includes('--help') || argv.includes('-h')) return `${MODELS_USAGE}\n`;
  if (argv.length > 0)
    throw new UsageError(`models takes no arguments, not "${argv[0]}". ${MODELS_USAGE}`);
  const listing = await listCachedModels();
  const lines = [`Hugging Face cache: ${listing.cacheDir}`];
  if (listing.models.length === 0) lines.push('No model in it can be opened.');
  for (const model of listing.models) {
    lines.push(`${cachedModelName(model)}  ${cachedModelSummary(model)}`);
    lines.push(`    ${model.dir}`);
    for (const note of model.notes) lines.push(`    note: ${note}`);
  }
  if (listing.skipped.length > 0) lines.push('', 'Skipped:');
  for (const entry of listing.skipped) lines.push(`${skippedLine(entry)}`);
  return `${lines.join('\n')}\n`;
}
