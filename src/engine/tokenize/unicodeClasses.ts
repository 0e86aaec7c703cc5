/** The reference tokenizer's character classes, decoded once from the generated tables. */
import { CodePointSet } from './codePointSet';
import { UNICODE_TABLES, type UnicodeTableName } from './unicodeTables';

const cache = new Map<UnicodeTableName, CodePointSet>();

/** The decoded set for one table (decoded on first use). */
export function unicodeClass(name: UnicodeTableName): CodePointSet {
  let set = cache.get(name);
  if (!set) {
    set = new CodePointSet(UNICODE_TABLES[name]);
    cache.set(name, set);
  }
  return set;
}
