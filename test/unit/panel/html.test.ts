import { strict as assert } from 'node:assert';
import { buildCsp, renderHtml } from '../../../src/panel/html';
import { makeNonce } from '../../../src/util/nonce';

describe('panel html', () => {
  const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';

  it('allows nothing by default and scripts only with the nonce', () => {
    const csp = buildCsp(cspSource, 'abc');
    const directives = Object.fromEntries(
      csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]),
    );
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], ["'nonce-abc'"]);
    assert.deepEqual(directives['style-src'], [cspSource]);
    assert.deepEqual(directives['img-src'], [cspSource, 'data:', 'blob:']);
    assert.deepEqual(directives['font-src'], [cspSource]);
    assert.doesNotMatch(csp, /unsafe-|\*/);
  });

  it('loads the bundle with the nonce and inlines no data', () => {
    const nonce = makeNonce();
    const html = renderHtml({
      cspSource,
      nonce,
      scriptUri: `${cspSource}/ext/dist/webview.js`,
      styleUri: `${cspSource}/ext/dist/webview.css`,
      title: 'Attention · a"b<c>.ts',
    });
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0][1], new RegExp(`nonce="${nonce.replace(/[+/]/g, '\\$&')}"`));
    assert.match(scripts[0][1], /src="[^"]+\/dist\/webview\.js"/);
    assert.equal(scripts[0][2].trim(), '', 'no inline script body');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    assert.equal(meta?.[1], buildCsp(cspSource, nonce));
    assert.match(html, /<title>Attention · a&quot;b&lt;c&gt;\.ts<\/title>/);
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, makeNonce));
    assert.equal(nonces.size, 100);
    for (const nonce of nonces) assert.equal(Buffer.from(nonce, 'base64').length, 16);
  });
});
