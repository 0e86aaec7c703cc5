/**
 * GPT-2's byte-level alphabet: each of the 256 byte values is spelled as one printable
 * character (`Ġ` for 0x20, `Ċ` for 0x0A, ...), so byte-level BPE tokens are strings in which
 * every UTF-16 unit stands for exactly one byte of the UTF-8 text.
 */

function buildByteToChar(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const byteToChar = new Array<string>(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    byteToChar[b] = String.fromCharCode(printable.includes(b) ? b : 256 + shifted++);
  }
  return byteToChar;
}

export const BYTE_TO_CHAR = buildByteToChar();
const encoder = new TextEncoder();

/** Spells `text`'s UTF-8 bytes in the byte-level alphabet (lone surrogates become U+FFFD). */
export function byteLevelEncode(text: string): string {
  let out = '';
  for (const b of encoder.encode(text)) out += BYTE_TO_CHAR[b];
  return out;
}
