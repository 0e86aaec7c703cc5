/** Webview entry: mounts the app, listens to the host, then says `ready`. */
import './styles/main.css';
import { WEBVIEW_PROTOCOL_VERSION, type HostToWebview } from '../src/protocol/webview';
import { App } from './app';
import { isCacheAnswer, stepsCache } from './views/steps/stepsCache';
import { postToHost } from './vscodeApi';

const app = new App(document.getElementById('root') ?? document.body);

window.addEventListener('message', (e: MessageEvent) => {
  const message = unwrap(e.data);
  // Answers to the Steps view's requests go to its cache, which redraws the view.
  if (message && isCacheAnswer(message)) stepsCache.receive(message);
  else if (message) app.handle(message);
});

postToHost({ type: 'ready', protocol: WEBVIEW_PROTOCOL_VERSION });

/** Host notifications come in the `Rpc` event envelope (src/protocol/rpc.ts). */
function unwrap(data: unknown): HostToWebview | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const envelope = data as { kind?: unknown; event?: unknown };
  if (envelope.kind !== 'event' || typeof envelope.event !== 'object' || envelope.event === null) {
    return undefined;
  }
  return typeof (envelope.event as { type?: unknown }).type === 'string'
    ? (envelope.event as HostToWebview)
    : undefined;
}
