/** CSS files are bundled by esbuild into dist/webview.css; importing one yields nothing. */
declare module '*.css';
