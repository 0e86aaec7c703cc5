/**
 * The one handle on VS Code's webview API. `acquireVsCodeApi()` may be called only once
 * per page, so every module goes through this file.
 */
import type { WebviewToHost } from '../src/protocol/webview';
import { migrateState, type ViewState } from './viewState';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

/**
 * Sends a message to the host. Messages travel in the `Rpc` event envelope of
 * src/protocol/rpc.ts (`{ kind: 'event', event }`), the same as the host's notifications.
 */
export function postToHost(message: WebviewToHost): void {
  api.postMessage({ kind: 'event', event: message });
}

/** The saved view state, migrated to the current version (defaults when none). */
export function loadState(): ViewState {
  return migrateState(api.getState());
}

/** Saves the view state (small choices only, never tensors). */
export function saveState(state: ViewState): void {
  api.setState(state);
}
