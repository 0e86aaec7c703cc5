/** The first-run walkthrough's context keys: package.json's `walkthroughs` waits for them. */
export const WALKTHROUGH_KEYS = {
  tokenFocused: 'attentionInspector.walkthrough.tokenFocused',
  stepsOpened: 'attentionInspector.walkthrough.stepsOpened',
} as const;
