/** Webview entry: mounts the app, listens to the host, then says `ready`. */
import './styles/main.css';
import { WEBVIEW_PROTOCOL_VERSION } from '../src/protocol/webview';
import { App } from './app';
import { onHostMessage, postToHost } from './vscodeApi';

const app = new App(document.getElementById('root') ?? document.body);
onHostMessage((message) => app.handle(message));
postToHost({ type: 'ready', protocol: WEBVIEW_PROTOCOL_VERSION });
