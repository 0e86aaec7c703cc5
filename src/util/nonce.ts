/** A CSP nonce: 16 bytes from the platform's CSPRNG, base64 (never `Math.random`). */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}
