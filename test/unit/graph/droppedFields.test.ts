/**
 * Fields newer than onnx-proto's ONNX 1.10 schema that change execution: a graph using
 * them is refused instead of being edited (re-encoding would drop them).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { droppedExecutionFields } from '../../../src/engine/graph/droppedFields';
import { loadModelFolder } from '../../../src/engine/folder/loadModelFolder';
import { ModelError } from '../../../src/engine/modelError';
import { memoryModelFiles } from '../../../src/engine/folder/modelFiles';
import { FIXTURES } from '../folder/fixtureRuntime';

/** Protobuf length-delimited field `no` holding `body`. */
function field(no: number, body: Uint8Array | string): Uint8Array {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const varint = (n: number) => {
    const out: number[] = [];
    for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
    return [...out, n];
  };
  return Uint8Array.from([...varint((no << 3) | 2), ...varint(bytes.length), ...bytes]);
}

const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** A FunctionProto (ModelProto field 25) "local.f" with an overloaded node inside and its own overload. */
const overloadedFunction = field(
  25,
  concat(
    field(1, 'f'),
    field(10, 'local'),
    field(7, concat(field(3, 'call'), field(4, 'g'), field(8, 'v2'))),
    field(13, 'v1'),
  ),
);

describe('droppedExecutionFields', () => {
  it('finds nothing in the fixtures', async () => {
    for (const name of ['decoder-noattn', 'encoder-bert']) {
      assert.deepEqual(
        droppedExecutionFields(await readFile(join(FIXTURES, name, 'model.onnx'))),
        [],
      );
    }
  });

  it('finds node and function overloads and function attribute defaults', async () => {
    const bytes = concat(
      await readFile(join(FIXTURES, 'decoder-noattn', 'model.onnx')),
      overloadedFunction,
      field(25, concat(field(1, 'h'), field(10, 'local'), field(11, field(1, 'alpha')))),
    );
    assert.deepEqual(droppedExecutionFields(bytes), [
      { field: 'FunctionProto.overload', where: 'function "local.f"' },
      { field: 'NodeProto.overload', where: 'node "call"' },
      { field: 'FunctionProto.attribute_proto', where: 'function "local.h"' },
    ]);
  });

  it('makes the load refuse to edit such a graph, saying why', async () => {
    const dir = join(FIXTURES, 'decoder-noattn');
    const files: Record<string, Uint8Array> = {};
    for (const name of ['manifest.json', 'tokenizer.json', 'tokenizer_config.json', 'model.onnx']) {
      files[name] = new Uint8Array(await readFile(join(dir, name)));
    }
    files['model.onnx'] = concat(files['model.onnx'], overloadedFunction);
    await assert.rejects(loadModelFolder(memoryModelFiles('/m', files)), (error: unknown) => {
      assert.ok(error instanceof ModelError && error.problem === 'unsupportedOnnx', String(error));
      assert.match(
        error.message,
        /^\/m\/model\.onnx: uses FunctionProto\.overload \(function "local\.f" and 1 more\), a field newer than the ONNX 1\.10 schema our graph editor reads; exposing attention would drop it/,
      );
      return true;
    });
  });
});
