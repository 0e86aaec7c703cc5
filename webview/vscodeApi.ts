/**
 * The one handle on VS Code's webview API. `acquireVsCodeApi()` may be called only once
 * per page, so every module goes through this file. Messages both ways travel through the
 * same `Rpc` channel as on the host side (src/protocol/rpc.ts), so both ends share one
 * envelope: notifications both ways, and calls of the host's `WebviewHostApi` (the slices,
 * overviews and steps a view shows), each answered or refused.
 */
import type { LayerOverview } from '../src/engine/types';
import { unpackOverview } from '../src/protocol/overviewWire';
import { Rpc } from '../src/protocol/rpc';
import type { HostToWebview, WebviewHostApi, WebviewToHost } from '../src/protocol/webview';
import { migrateState, type ViewState } from './viewState';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

const host = new Rpc<WebviewHostApi, Record<string, never>, unknown, WebviewToHost>({
  post: (message) => api.postMessage(message),
  listen: (handler) => {
    const listener = (e: MessageEvent) => handler(e.data);
    window.addEventListener('message', listener);
    return () => window.removeEventListener('message', listener);
  },
});

/** Sends a message to the host. */
export function postToHost(message: WebviewToHost): void {
  host.notify(message);
}

/** Asks the host (which relays to the engine); rejects with the host's reason. */
export function callHost<K extends keyof WebviewHostApi & string>(
  method: K,
  arg: Parameters<WebviewHostApi[K]>[0],
): ReturnType<WebviewHostApi[K]> {
  return host.call(method, arg);
}

/** One layer's overview from the host, its thumbnails decoded (src/protocol/overviewWire.ts). */
export async function overviewFromHost(
  arg: Parameters<WebviewHostApi['overview']>[0],
): Promise<LayerOverview> {
  return unpackOverview(await callHost('overview', arg));
}

/** Calls `handler` with each notification from the host; anything malformed is dropped. */
export function onHostMessage(handler: (message: HostToWebview) => void): void {
  host.onEvent((event) => {
    if (typeof (event as { type?: unknown } | null)?.type === 'string') {
      handler(event as HostToWebview);
    }
  });
}

/** The saved view state, migrated to the current version (defaults when none). */
export function loadState(): ViewState {
  return migrateState(api.getState());
}

/** Saves the view state (small choices only, never tensors). */
export function saveState(state: ViewState): void {
  api.setState(state);
}
