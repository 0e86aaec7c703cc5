/**
 * How a tokenizer.json that cannot be used is reported: one line naming the file and the
 * field, e.g. `tokenizer.json: pre_tokenizer.pretokenizers[1].type "Foo" is not supported
 * (supported: …)`.
 */

/** A part of tokenizer.json as the file writes it. */
export interface PartJson {
  type?: unknown;
  [key: string]: unknown;
}

export function fileError(field: string, what: string): Error {
  return new Error(`tokenizer.json: ${field} ${what}`);
}

export function unsupportedType(field: string, type: unknown, supported: readonly string[]): Error {
  return fileError(
    `${field}.type`,
    `${JSON.stringify(type ?? null)} is not supported (supported: ${supported.join(', ')})`,
  );
}

/** The object at `field`, or an error naming it. */
export function partAt(value: unknown, field: string): PartJson {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fileError(field, 'is not an object');
  }
  return value as PartJson;
}

/** The parts listed at `field` (`normalizers`, `pretokenizers`…), or an error naming it. */
export function partsAt(value: unknown, field: string): PartJson[] {
  if (!Array.isArray(value)) throw fileError(field, 'is not a list');
  return value.map((part, i) => partAt(part, `${field}[${i}]`));
}

export function stringAt(part: PartJson, key: string, field: string, fallback?: string): string {
  const value = part[key] ?? fallback;
  if (typeof value !== 'string') throw fileError(`${field}.${key}`, 'is not a string');
  return value;
}

export function booleanAt(part: PartJson, key: string, field: string, fallback: boolean): boolean {
  const value = part[key] ?? fallback;
  if (typeof value !== 'boolean') throw fileError(`${field}.${key}`, 'is not true or false');
  return value;
}
