/**
 * What an edit would lose. The graph editor decodes and re-encodes models with onnx-proto,
 * whose schema is ONNX 1.10's: fields added later are skipped on decode and so dropped on
 * encode. Most are harmless (metadata_props, value_info of functions); these change what
 * the model computes, so a graph that uses them is refused rather than edited:
 *
 * - `NodeProto.overload` (field 8, ONNX 1.15): which overload of a local function a node calls;
 * - `FunctionProto.attribute_proto` (field 11, ONNX 1.13): default values of a function's attributes;
 * - `FunctionProto.overload` (field 13, ONNX 1.15): the overload a function defines.
 *
 * Found by walking the protobuf wire format (ModelProto → graph/functions → nodes →
 * subgraphs of If/Loop/Scan); weights are skipped over, never read.
 */

/** One execution-changing field the editor would drop. */
export interface DroppedField {
  field: 'NodeProto.overload' | 'FunctionProto.attribute_proto' | 'FunctionProto.overload';
  /** Where: `node "name"` or `function "domain.name"`. */
  where: string;
}

interface Field {
  no: number;
  /** Set for length-delimited fields: [start, end) in the buffer. */
  start?: number;
  end?: number;
}

/** The fields of one message in bytes[start, end). */
function fields(bytes: Uint8Array, start: number, end: number): Field[] {
  const out: Field[] = [];
  let at = start;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= end) throw new Error('truncated');
      const byte = bytes[at++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  };
  while (at < end) {
    const tag = varint();
    const no = Math.floor(tag / 8);
    switch (tag & 7) {
      case 0:
        varint();
        out.push({ no });
        break;
      case 1:
        at += 8;
        out.push({ no });
        break;
      case 2: {
        const length = varint();
        out.push({ no, start: at, end: at + length });
        at += length;
        break;
      }
      case 5:
        at += 4;
        out.push({ no });
        break;
      default:
        throw new Error(`wire type ${tag & 7}`);
    }
  }
  return out;
}

const text = (bytes: Uint8Array, f: Field | undefined) =>
  f?.start === undefined ? '' : new TextDecoder().decode(bytes.subarray(f.start, f.end));

/** The execution-changing fields of a model's bytes; empty when an edit loses nothing that matters. */
export function droppedExecutionFields(bytes: Uint8Array): DroppedField[] {
  const found: DroppedField[] = [];
  const graph = (f: Field) => {
    for (const node of fields(bytes, f.start!, f.end!).filter(
      (g) => g.no === 1 && g.start !== undefined,
    ))
      visitNode(node);
  };
  const visitNode = (f: Field) => {
    const parts = fields(bytes, f.start!, f.end!);
    if (parts.some((p) => p.no === 8)) {
      found.push({
        field: 'NodeProto.overload',
        where: `node "${
          text(
            bytes,
            parts.find((p) => p.no === 3),
          ) ||
          text(
            bytes,
            parts.find((p) => p.no === 4),
          )
        }"`,
      });
    }
    for (const attribute of parts.filter((p) => p.no === 5 && p.start !== undefined)) {
      for (const sub of fields(bytes, attribute.start!, attribute.end!)) {
        if ((sub.no === 6 || sub.no === 11) && sub.start !== undefined) graph(sub);
      }
    }
  };
  try {
    for (const top of fields(bytes, 0, bytes.length)) {
      if (top.start === undefined) continue;
      if (top.no === 7) graph(top);
      if (top.no !== 25) continue;
      const parts = fields(bytes, top.start, top.end!);
      const where = `function "${text(
        bytes,
        parts.find((p) => p.no === 10),
      )}.${text(
        bytes,
        parts.find((p) => p.no === 1),
      )}"`;
      if (parts.some((p) => p.no === 11))
        found.push({ field: 'FunctionProto.attribute_proto', where });
      if (parts.some((p) => p.no === 13)) found.push({ field: 'FunctionProto.overload', where });
      for (const node of parts.filter((p) => p.no === 7 && p.start !== undefined)) visitNode(node);
    }
  } catch {
    // Not well-formed protobuf: decodeOnnx has already reported it; nothing more to say here.
  }
  return found;
}
