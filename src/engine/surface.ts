/**
 * Where the engine's advice sends the user. The same engine serves the CLI and the extension,
 * which name what a user can change in their own way (a flag, a setting, a control in the
 * panel): a message says only what that surface offers. This table is the one home of those
 * names; test/unit/engine/surfaceNames.test.ts checks no other message names a knob itself.
 */
export type Surface = 'cli' | 'extension';

/** The knobs messages point at, as each surface names them. */
export const KNOBS = {
  maxTokens: { cli: '--max-tokens', extension: 'the setting attentionInspector.maxTokens' },
  maxNewTokens: {
    cli: '--max-new-tokens',
    extension: 'the target field of the panel (type the target instead)',
  },
  runTimeout: {
    cli: '--timeout',
    extension: 'the setting attentionInspector.runTimeoutSeconds',
  },
  smallerVariant: { cli: '--variant q4', extension: 'Select Model…' },
  generate: {
    cli: '--generate',
    extension: 'the setting attentionInspector.continuationMaxTokens',
  },
  temperature: {
    cli: '--temperature',
    extension: 'the setting attentionInspector.continuationTemperature',
  },
  topP: { cli: '--top-p', extension: 'the setting attentionInspector.continuationTopP' },
  seed: { cli: '--seed', extension: 'the setting attentionInspector.continuationSeed' },
} as const satisfies Record<string, Record<Surface, string>>;

export type Knob = keyof typeof KNOBS;

/** How `surface` names `knob`, for advice ("raise --max-tokens"). */
export function knob(name: Knob, surface: Surface): string {
  return KNOBS[name][surface];
}
