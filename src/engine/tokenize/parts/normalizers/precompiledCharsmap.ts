/**
 * SentencePiece's precompiled normalization map (`precompiled_charsmap` of a `Precompiled`
 * normalizer in tokenizer.json): a little-endian u32 trie size, a Darts-clone double-array
 * trie over UTF-8 keys, then NUL-terminated replacement strings. Read as the reference does
 * (the `spm_precompiled` crate behind the Rust `tokenizers`): `transform` replaces a chunk
 * by the string of the shortest key that prefixes it, or leaves it when none does.
 */

export class PrecompiledCharsmap {
  private readonly trie: Uint32Array;
  private readonly normalized: Uint8Array;
  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();

  /** Throws when the bytes are not a charsmap (too short, truncated trie). */
  constructor(bytes: Uint8Array) {
    if (bytes.length < 4) throw new Error('precompiled_charsmap is too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const trieBytes = view.getUint32(0, true);
    if (trieBytes % 4 !== 0 || 4 + trieBytes > bytes.length) {
      throw new Error('precompiled_charsmap has a truncated trie');
    }
    this.trie = new Uint32Array(trieBytes / 4);
    for (let i = 0; i < this.trie.length; i++) this.trie[i] = view.getUint32(4 + 4 * i, true);
    this.normalized = bytes.subarray(4 + trieBytes);
  }

  /** From the base64 text tokenizer.json holds. */
  static fromBase64(text: string): PrecompiledCharsmap {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new PrecompiledCharsmap(bytes);
  }

  /** The replacement for `chunk`, or undefined when the map leaves it as it is. */
  transform(chunk: string): string | undefined {
    const index = this.firstMatch(this.encoder.encode(chunk));
    if (index === undefined || index >= this.normalized.length) return undefined;
    let end = index;
    while (end < this.normalized.length && this.normalized[end] !== 0) end++;
    return this.decoder.decode(this.normalized.subarray(index, end));
  }

  /** Darts-clone common-prefix search, stopping at the first (shortest) key found. */
  private firstMatch(key: Uint8Array): number | undefined {
    const unit = (pos: number): number => {
      if (pos >= this.trie.length)
        throw new Error('precompiled_charsmap trie points outside itself');
      return this.trie[pos]!;
    };
    let pos = offsetOf(unit(0));
    for (const byte of key) {
      if (byte === 0) break;
      pos ^= byte;
      const u = unit(pos);
      if (labelOf(u) !== byte) return undefined;
      pos ^= offsetOf(u);
      if (((u >>> 8) & 1) === 1) return unit(pos) & 0x7fffffff;
    }
    return undefined;
  }
}

function offsetOf(unit: number): number {
  return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
}

function labelOf(unit: number): number {
  return unit & ((1 << 31) | 0xff);
}
