/**
 * Hostile model folders, generated in a temp dir at test time from the committed fixtures
 * (big and special files are never committed).
 */
import {
  closeSync,
  cpSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { ROOT } from './runBounded';

const { onnx } = onnxProto;

export const fixtureModel = (name: string): string =>
  join(ROOT, 'test', 'fixtures', 'models', name);

/** A scratch area for one test file; `remove()` it in `after`. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'ai-hostile-'));
  private count = 0;

  /** A fresh copy of a fixture model folder. */
  copyOf(model = 'decoder-attn'): string {
    const dir = join(this.dir, `${model}-${++this.count}`);
    cpSync(fixtureModel(model), dir, { recursive: true });
    return dir;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Rewrites `dir/file` as JSON after `edit`. */
// biome-ignore lint/suspicious/noExplicitAny: tests break this JSON on purpose: any field, any value
export function editJson(dir: string, file: string, edit: (json: any) => void): void {
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  edit(json);
  writeFileSync(join(dir, file), JSON.stringify(json));
}

/** Sets rows `from..` of the float32 initializer `name` of `dir/model.onnx` to `value`. */
export function poisonRows(dir: string, name: string, from: number, value: number): void {
  const file = join(dir, 'model.onnx');
  const model = onnx.ModelProto.decode(readFileSync(file));
  const tensor = model.graph!.initializer!.find((t) => t.name === name)!;
  const width = Number(tensor.dims![1]);
  const raw = tensor.rawData!;
  const floats = new Float32Array(
    raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength),
  );
  floats.fill(value, from * width);
  tensor.rawData = new Uint8Array(floats.buffer);
  writeFileSync(file, onnx.ModelProto.encode(model).finish());
}

/** A file of `bytes` zeros that takes no disk space (sparse), for "oversize" cases. */
export function sparseFile(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, Math.round(bytes));
  closeSync(fd);
}

/**
 * Hides the position table of `dir/model.onnx` from the loader's check, as a graph that
 * computes its positions (RoPE) has none: the table is fed through `Mul(table, 1)`.
 */
export function computePositions(dir: string, table: string): void {
  const file = join(dir, 'model.onnx');
  const model = onnx.ModelProto.decode(readFileSync(file));
  const graph = model.graph!;
  const gather = graph.node!.find((n) => n.opType === 'Gather' && n.input![0] === table)!;
  gather.input![0] = `${table}_computed`;
  graph.initializer!.push(
    onnx.TensorProto.create({ name: 'one_f32', dataType: 1, dims: [], floatData: [1] }),
  );
  graph.node!.unshift(
    onnx.NodeProto.create({
      opType: 'Mul',
      input: [table, 'one_f32'],
      output: [`${table}_computed`],
    }),
  );
  writeFileSync(file, onnx.ModelProto.encode(model).finish());
}

/**
 * Puts a `Loop` of 10¹² iterations in front of graph output `output` of `dir/model.onnx`:
 * the output becomes `output + 0 · loop(max(output))`, so every run waits for the loop.
 */
export function endlessLoop(dir: string, output: string): void {
  const file = join(dir, 'model.onnx');
  const model = onnx.ModelProto.decode(readFileSync(file));
  const graph = model.graph!;
  const producer = graph.node!.find((n) => n.output!.includes(output))!;
  producer.output = producer.output!.map((o) => (o === output ? `${output}_before_loop` : o));
  const scalar = (name: string, dataType: number, value: number) =>
    onnx.TensorProto.create({
      name,
      dataType,
      dims: [],
      ...(dataType === 7
        ? { int64Data: [value] }
        : dataType === 9
          ? { int32Data: [value] }
          : { floatData: [value] }),
    });
  graph.initializer!.push(
    scalar('loop_trips', 7, 1e12),
    scalar('loop_go', 9, 1),
    scalar('loop_zero', 1, 0),
  );
  const valueInfo = (name: string, elemType: number) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType, shape: { dim: [] } } },
    });
  const body = onnx.GraphProto.create({
    name: 'endless_body',
    input: [valueInfo('i', 7), valueInfo('go_in', 9), valueInfo('v_in', 1)],
    output: [valueInfo('go_out', 9), valueInfo('v_out', 1)],
    initializer: [scalar('body_one', 1, 1)],
    node: [
      onnx.NodeProto.create({ opType: 'Identity', input: ['go_in'], output: ['go_out'] }),
      onnx.NodeProto.create({ opType: 'Mul', input: ['v_in', 'body_one'], output: ['v_out'] }),
    ],
  });
  graph.node!.push(
    onnx.NodeProto.create({
      opType: 'ReduceMax',
      input: [`${output}_before_loop`],
      output: ['loop_start'],
      attribute: [onnx.AttributeProto.create({ name: 'keepdims', type: 2, i: 0 })],
    }),
    onnx.NodeProto.create({
      name: 'endless_loop',
      opType: 'Loop',
      input: ['loop_trips', 'loop_go', 'loop_start'],
      output: ['loop_end'],
      attribute: [onnx.AttributeProto.create({ name: 'body', type: 5, g: body })],
    }),
    onnx.NodeProto.create({
      opType: 'Mul',
      input: ['loop_end', 'loop_zero'],
      output: ['loop_nothing'],
    }),
    onnx.NodeProto.create({
      opType: 'Add',
      input: [`${output}_before_loop`, 'loop_nothing'],
      output: [output],
    }),
  );
  writeFileSync(file, onnx.ModelProto.encode(model).finish());
}

/** Fills every float32 initializer of `dir/file` shaped `[*, columns]` (an LM head) with `value`. */
export function poisonColumns(dir: string, file: string, columns: number, value: number): void {
  const path = join(dir, file);
  const model = onnx.ModelProto.decode(readFileSync(path));
  let poisoned = 0;
  for (const tensor of model.graph!.initializer!) {
    if (tensor.dataType !== 1 || tensor.dims!.length !== 2 || Number(tensor.dims![1]) !== columns)
      continue;
    const count = Number(tensor.dims![0]) * columns;
    tensor.rawData = new Uint8Array(new Float32Array(count).fill(value).buffer);
    tensor.floatData = [];
    poisoned++;
  }
  if (poisoned === 0) throw new Error(`${file} has no [*, ${columns}] float32 initializer`);
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
}
