/**
 * Ticks off the first-run walkthrough's steps that have no command of their own (hovering a
 * token, opening the Steps view) through context keys; package.json's `walkthroughs` waits for
 * them (`onContext:…`).
 */
import * as vscode from 'vscode';
import type { WALKTHROUGH_KEYS } from '../util/walkthroughKeys';

const done = new Set<string>();

/** Ticks off a walkthrough step; later calls cost nothing. */
export function markWalkthroughStep(key: (typeof WALKTHROUGH_KEYS)[keyof typeof WALKTHROUGH_KEYS]) {
  if (done.has(key)) return;
  done.add(key);
  void vscode.commands.executeCommand('setContext', key, true);
}
