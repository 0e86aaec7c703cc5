/** A webview as an Rpc `MessageEndpoint`. VS Code moves typed arrays itself: no transfer list. */
import type * as vscode from 'vscode';
import type { MessageEndpoint } from '../protocol/rpc';

export function webviewEndpoint(webview: vscode.Webview): MessageEndpoint {
  return {
    post(message) {
      // A webview disposed mid-send answers false or rejects; the feed replays on the next load.
      try {
        webview.postMessage(message).then(undefined, () => undefined);
      } catch {
        // Disposed panel: nothing to deliver to.
      }
    },
    listen(handler) {
      const subscription = webview.onDidReceiveMessage(handler);
      return () => subscription.dispose();
    },
  };
}
