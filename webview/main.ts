/** Webview entry: mounts the app, listens to the host, then says `ready`. */
import './styles/main.css';
import { WEBVIEW_PROTOCOL_VERSION } from '../src/protocol/webview';
import { App } from './app';
import { isCacheAnswer, stepsCache } from './views/steps/stepsCache';
import { onHostMessage, postToHost } from './vscodeApi';

const app = new App(document.getElementById('root') ?? document.body);
// Answers to the Steps view's requests go to its cache, which redraws the view.
onHostMessage((message) =>
  isCacheAnswer(message) ? stepsCache.receive(message) : app.handle(message),
);
postToHost({ type: 'ready', protocol: WEBVIEW_PROTOCOL_VERSION });
