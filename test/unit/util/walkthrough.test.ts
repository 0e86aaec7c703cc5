import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WALKTHROUGH_KEYS } from '../../../src/util/walkthroughKeys';

/**
 * The walkthrough is package.json data VS Code reads as it is: a step waiting for a command we
 * do not contribute, a context key we never set, or a picture the .vsix leaves out would
 * silently never complete or show nothing.
 */
const root = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string }[];
    walkthroughs: {
      steps: {
        id: string;
        description: string;
        media: { image: Record<'light' | 'dark' | 'hc' | 'hcLight', string> };
        completionEvents: string[];
      }[];
    }[];
  };
};
const commands = new Set(manifest.contributes.commands.map((c) => c.command));
const steps = manifest.contributes.walkthroughs.flatMap((w) => w.steps);
/** The .vscodeignore allow-list's patterns (`!glob`), as regular expressions. */
const shipped = readFileSync(join(root, '.vscodeignore'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('!'))
  .map((line) => new RegExp(`^${line.slice(1).replace(/\./g, '\\.').replace(/\*+/g, '[^]*')}$`));

describe('the walkthrough (package.json contributes.walkthroughs)', () => {
  it('has the main job in order: inspect, hover, steps, model, export', () => {
    assert.deepEqual(
      steps.map((s) => s.id),
      ['inspect', 'hover', 'steps', 'model', 'export'],
    );
  });

  it('completes each step on a command we contribute or a context key we set', () => {
    const keys = new Set<string>(Object.values(WALKTHROUGH_KEYS));
    for (const step of steps) {
      assert.ok(step.completionEvents.length > 0, step.id);
      for (const event of step.completionEvents) {
        const [kind, name] = event.split(/:(.*)/s) as [string, string];
        if (kind === 'onCommand') assert.ok(commands.has(name), `${step.id}: ${name}`);
        else if (kind === 'onContext') assert.ok(keys.has(name), `${step.id}: ${name}`);
        else assert.fail(`${step.id}: unexpected completion event ${event}`);
      }
    }
  });

  it('links only commands we contribute from its buttons', () => {
    for (const step of steps) {
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(commands.has(command!), `${step.id}: ${command}`);
      }
    }
  });

  it('shows pictures that exist and that the .vsix carries', () => {
    for (const step of steps) {
      // VS Code 1.100 reads an image object's four themes unconditionally: one missing throws
      // while it registers the walkthrough, which then never appears.
      assert.deepEqual(Object.keys(step.media.image).sort(), ['dark', 'hc', 'hcLight', 'light']);
      for (const image of Object.values(step.media.image)) {
        assert.ok(existsSync(join(root, image)), image);
        assert.ok(
          shipped.some((pattern) => pattern.test(image)),
          `${image} is not in .vscodeignore's allow-list`,
        );
      }
    }
  });
});
