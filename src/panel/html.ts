/**
 * The panel's HTML shell: a strict Content Security Policy with a per-load nonce, the webview
 * bundle and stylesheet from `dist/`, and no data (results arrive by `postMessage`). Pure, so
 * the policy is tested in plain Node.
 */

/** What the shell needs from the webview: its CSP source and the resolved asset URIs. */
export interface ShellInputs {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** `asWebviewUri` of dist/webview.js. */
  scriptUri: string;
  /** `asWebviewUri` of dist/webview.css. */
  styleUri: string;
  title: string;
}

/** The policy: nothing by default, scripts only with the nonce, assets only from the extension. */
export function buildCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/** The whole document; every interpolated value is attribute-escaped. */
export function renderHtml(inputs: ShellInputs): string {
  const csp = buildCsp(inputs.cspSource, inputs.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(inputs.styleUri)}">
<title>${escapeAttr(inputs.title)}</title>
</head>
<body>
<div id="root"></div>
<script nonce="${escapeAttr(inputs.nonce)}" src="${escapeAttr(inputs.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeAttr(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
