/** Run by continuationPaths.test.ts in a process of its own: one sampled continuation's ids. */
import { GENERATION, hfDir } from './continuationFixtures';
import { sharedEngine } from '../engine/fixtures';

const ask = JSON.parse(process.argv[2]!) as { maxNewTokens: number; seed: number };
void sharedEngine()
  .inspectHeld(hfDir('gpt2'), GENERATION.prompt, { generate: ask })
  .then((result) => {
    process.stdout.write(JSON.stringify(result.generation!.generated.map((t) => t.id)));
  });
