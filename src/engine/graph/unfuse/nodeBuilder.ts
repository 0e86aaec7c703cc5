/**
 * Builds the standard-op nodes an unfuser emits: every node and constant gets a fresh name
 * from the context, constants become initializers of the graph, and ops whose signature
 * changed across opsets (Unsqueeze's axes) are written for the graph's opset.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import type { UnfuseContext } from './unfuser';

const { AttributeType } = onnxProto.onnx.AttributeProto;
const { DataType } = onnxProto.onnx.TensorProto;

/** An attribute value: a number is an int unless `float()` wrapped it. */
export type AttributeValue = number | number[] | string | { float: number };

/** Marks a number as a float attribute. */
export const float = (value: number): { float: number } => ({ float: value });

export const FLOAT_TYPE = DataType.FLOAT;
export const INT64_TYPE = DataType.INT64;

export class NodeBuilder {
  readonly nodes: onnx.INodeProto[] = [];

  constructor(
    private readonly context: UnfuseContext,
    /** Prefix of every name, so the emitted nodes show which fused node they replace. */
    private readonly prefix: string,
  ) {}

  /** Emits one node; returns its first output (named `output` when given, else fresh). */
  op(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    output?: string,
  ): string {
    const out = output ?? this.context.uniqueName(`${this.prefix}/${opType}_output`);
    this.nodes.push(
      onnxProto.onnx.NodeProto.create({
        opType,
        name: this.context.uniqueName(`${this.prefix}/${opType}`),
        input: [...inputs],
        output: [out],
        attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
      }),
    );
    return out;
  }

  /** An int64 initializer (`dims` [] for a scalar). */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(
      { dataType: INT64_TYPE, int64Data: [...values], dims: [...dims] },
      'const_i64',
    );
  }

  /** A float32 scalar initializer. */
  scalar(value: number): string {
    return this.constant({ dataType: FLOAT_TYPE, floatData: [value], dims: [] }, 'const_f32');
  }

  /** `Unsqueeze` with `axes` as the opset wants them (an input from 13, an attribute before). */
  unsqueeze(input: string, axes: readonly number[]): string {
    return this.context.opset >= 13
      ? this.op('Unsqueeze', [input, this.int64(axes)])
      : this.op('Unsqueeze', [input], { axes: [...axes] });
  }

  /** `Slice` of `input` along `axis` from `start` to `end`. */
  slice(input: string, start: number, end: number, axis: number): string {
    return this.op('Slice', [input, this.int64([start]), this.int64([end]), this.int64([axis])]);
  }

  /** A `Cast` to `to`, or `CastLike` to the type of `like` (opset 15 and up). */
  cast(input: string, to: number, output?: string): string {
    return this.op('Cast', [input], { to }, output);
  }

  /** Casts to the element type of `like`; before opset 15 (no CastLike) to `fallback`. */
  castLike(input: string, like: string, fallback: number, output?: string): string {
    return this.context.opset >= 15
      ? this.op('CastLike', [input, like], {}, output)
      : this.cast(input, fallback, output);
  }

  private constant(tensor: onnx.ITensorProto, base: string): string {
    const name = this.context.uniqueName(`${this.prefix}/${base}`);
    this.context.graph.initializer ??= [];
    this.context.graph.initializer.push(onnxProto.onnx.TensorProto.create({ ...tensor, name }));
    return name;
  }
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string')
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  return { name, type: AttributeType.FLOAT, f: value.float };
}
