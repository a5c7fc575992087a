/**
 * The ONNX IR as protobuf messages: decode a .onnx file into plain objects and encode them back.
 *
 * The schema below is the subset of onnx/onnx.proto3 (IR version 7–10) that inference graphs use,
 * with the official field numbers, so every model an exporter writes decodes losslessly for the
 * fields we read and re-encodes into a model onnxruntime accepts. Fields we never read
 * (training_info, sparse initializers, functions) are still declared where they carry the
 * model's meaning so they survive a decode/encode round trip.
 *
 * Why protobufjs rather than a generated module: onnxruntime-node exposes no graph API, and the
 * reverse-mode transform needs to read and rewrite nodes and initializers. protobufjs parses the
 * .proto text at runtime, which keeps the schema readable and reviewable here.
 */
import protobuf from 'protobufjs';

const ONNX_PROTO = `
syntax = "proto3";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; SPARSE_TENSOR = 11; TYPE_PROTO = 13;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10; SPARSE_TENSORS = 12; TYPE_PROTOS = 14;
  }
  string name = 1;
  string ref_attr_name = 21;
  string doc_string = 13;
  AttributeType type = 20;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  GraphProto g = 6;
  SparseTensorProto sparse_tensor = 22;
  TypeProto tp = 14;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
  repeated SparseTensorProto sparse_tensors = 23;
  repeated TypeProto type_protos = 15;
}

message ValueInfoProto {
  string name = 1;
  TypeProto type = 2;
  string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  string domain = 7;
  repeated AttributeProto attribute = 5;
  string doc_string = 6;
}

message StringStringEntryProto {
  string key = 1;
  string value = 2;
}

message TensorAnnotation {
  string tensor_name = 1;
  repeated StringStringEntryProto quant_parameter_tensor_names = 2;
}

message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  repeated SparseTensorProto sparse_initializer = 15;
  string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
  repeated TensorAnnotation quantization_annotation = 14;
}

message TensorProto {
  message Segment {
    int64 begin = 1;
    int64 end = 2;
  }
  repeated int64 dims = 1;
  int32 data_type = 2;
  Segment segment = 3;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true];
  string name = 8;
  string doc_string = 12;
  bytes raw_data = 9;
  repeated StringStringEntryProto external_data = 13;
  int32 data_location = 14;
  repeated double double_data = 10 [packed = true];
  repeated uint64 uint64_data = 11 [packed = true];
}

message SparseTensorProto {
  TensorProto values = 1;
  TensorProto indices = 2;
  repeated int64 dims = 3;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    int32 elem_type = 1;
    TensorShapeProto shape = 2;
  }
  message Sequence {
    TypeProto elem_type = 1;
  }
  message Map {
    int32 key_type = 1;
    TypeProto value_type = 2;
  }
  message Optional {
    TypeProto elem_type = 1;
  }
  message SparseTensor {
    int32 elem_type = 1;
    TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
    Sequence sequence_type = 4;
    Map map_type = 5;
    Optional optional_type = 9;
    SparseTensor sparse_tensor_type = 8;
  }
  string denotation = 6;
}

message OperatorSetIdProto {
  string domain = 1;
  int64 version = 2;
}

message FunctionProto {
  string name = 1;
  repeated string input = 4;
  repeated string output = 5;
  repeated string attribute = 6;
  repeated AttributeProto attribute_proto = 11;
  repeated NodeProto node = 7;
  string doc_string = 8;
  repeated OperatorSetIdProto opset_import = 9;
  string domain = 10;
  string overload = 13;
  repeated ValueInfoProto value_info = 12;
  repeated StringStringEntryProto metadata_props = 14;
}

message ModelProto {
  int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
  repeated FunctionProto functions = 25;
}
`;

/** TensorProto.DataType values (onnx.proto3). */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;

/** AttributeProto.AttributeType values. */
export const AttrType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

export interface TensorProto {
  dims?: number[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  uint64_data?: number[];
  string_data?: Uint8Array[];
  name?: string;
  raw_data?: Uint8Array;
  data_location?: number;
  external_data?: { key?: string; value?: string }[];
}

export interface AttributeProto {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type: string;
  domain?: string;
  attribute?: AttributeProto[];
}

export interface DimensionProto {
  dim_value?: number;
  dim_param?: string;
}

export interface TypeProto {
  tensor_type?: { elem_type?: number; shape?: { dim?: DimensionProto[] } };
}

export interface ValueInfoProto {
  name: string;
  type?: TypeProto;
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface OperatorSetIdProto {
  domain?: string;
  version?: number;
}

export interface ModelProto {
  ir_version?: number;
  opset_import?: OperatorSetIdProto[];
  producer_name?: string;
  producer_version?: string;
  graph?: GraphProto;
  functions?: unknown[];
}

let modelType: protobuf.Type | null = null;

function getModelType(): protobuf.Type {
  if (!modelType) {
    const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/** Decode a serialized ModelProto into plain objects (int64 as JS numbers, bytes as Uint8Array). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = getModelType();
  let msg: protobuf.Message;
  try {
    msg = type.decode(bytes);
  } catch (e) {
    throw new Error(`not a valid ONNX model (protobuf decode failed: ${(e as Error).message})`);
  }
  return type.toObject(msg, { longs: Number, arrays: false, defaults: false }) as ModelProto;
}

/** Serialize a ModelProto (as returned by decodeModel, possibly edited) to bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = getModelType();
  const msg = type.fromObject(model as Record<string, unknown>);
  return type.encode(msg).finish();
}

/** The default-domain opset a model imports (the ONNX operator set version). */
export function defaultOpset(model: ModelProto): number {
  const entry = (model.opset_import ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry?.version ?? 1;
}

/** Shape of a graph value as numbers (fixed dims) and strings/null (symbolic or unknown dims). */
export function valueShape(v: ValueInfoProto): (number | string | null)[] | null {
  const shape = v.type?.tensor_type?.shape;
  if (!shape) return null;
  return (shape.dim ?? []).map((d) => (d.dim_value !== undefined && d.dim_value > 0 ? d.dim_value : d.dim_param ?? null));
}

export function valueElemType(v: ValueInfoProto): number {
  return v.type?.tensor_type?.elem_type ?? DataType.UNDEFINED;
}

export const DATA_TYPE_NAMES: Record<number, string> = {
  0: 'undefined',
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

/** Element count of a tensor from its dims. */
export function tensorSize(t: TensorProto): number {
  let n = 1;
  for (const d of t.dims ?? []) n *= d;
  return n;
}

/**
 * Values of a numeric initializer/constant as a float64 array (int64 go through Number, exact up
 * to 2^53 — shapes and axes always are). Throws on external data, which this project does not load.
 */
export function tensorValues(t: TensorProto): Float64Array {
  if (t.data_location === 1 || (t.external_data && t.external_data.length > 0)) {
    throw new Error(`tensor '${t.name ?? ''}' stores its data in an external file; faultline reads single-file .onnx models only`);
  }
  const n = tensorSize(t);
  const dt = t.data_type ?? DataType.FLOAT;
  const out = new Float64Array(n);
  const raw = t.raw_data;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) {
      switch (dt) {
        case DataType.FLOAT: out[i] = view.getFloat32(4 * i, true); break;
        case DataType.DOUBLE: out[i] = view.getFloat64(8 * i, true); break;
        case DataType.INT64: out[i] = Number(view.getBigInt64(8 * i, true)); break;
        case DataType.UINT64: out[i] = Number(view.getBigUint64(8 * i, true)); break;
        case DataType.INT32: out[i] = view.getInt32(4 * i, true); break;
        case DataType.UINT32: out[i] = view.getUint32(4 * i, true); break;
        case DataType.INT16: out[i] = view.getInt16(2 * i, true); break;
        case DataType.UINT16: out[i] = view.getUint16(2 * i, true); break;
        case DataType.INT8: out[i] = view.getInt8(i); break;
        case DataType.UINT8: case DataType.BOOL: out[i] = view.getUint8(i); break;
        default: throw new Error(`tensor '${t.name ?? ''}' has data type ${DATA_TYPE_NAMES[dt] ?? dt}, which faultline cannot read`);
      }
    }
    return out;
  }
  const src =
    dt === DataType.FLOAT ? t.float_data
    : dt === DataType.DOUBLE ? t.double_data
    : dt === DataType.INT64 ? t.int64_data
    : dt === DataType.UINT64 || dt === DataType.UINT32 ? t.uint64_data
    : t.int32_data;
  const vals = src ?? [];
  if (vals.length === 1 && n !== 1) throw new Error(`tensor '${t.name ?? ''}' has 1 value for ${n} elements`);
  for (let i = 0; i < n; i++) out[i] = Number(vals[i] ?? 0);
  return out;
}

/** A float32 or float64 TensorProto with raw_data. */
export function makeFloatTensor(name: string, dims: number[], values: ArrayLike<number>, dataType: number = DataType.FLOAT): TensorProto {
  const n = dims.reduce((a, b) => a * b, 1);
  if (values.length !== n) throw new Error(`tensor '${name}': ${values.length} values for dims [${dims.join(', ')}]`);
  const arr = dataType === DataType.DOUBLE ? Float64Array.from(values) : Float32Array.from(values);
  return { name, dims, data_type: dataType, raw_data: new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength) };
}

/** An int64 TensorProto (shapes, axes, indices). */
export function makeInt64Tensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const arr = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) arr[i] = BigInt(Math.trunc(values[i]));
  return { name, dims, data_type: DataType.INT64, raw_data: new Uint8Array(arr.buffer) };
}

/** Attribute lookup helpers (absent → default). */
export function attrInt(node: NodeProto, name: string, dflt: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.i !== undefined ? Number(a.i) : dflt;
}
export function attrFloat(node: NodeProto, name: string, dflt: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.f !== undefined ? a.f : dflt;
}
export function attrInts(node: NodeProto, name: string): number[] | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.ints ? a.ints.map(Number) : undefined;
}
export function attrString(node: NodeProto, name: string, dflt: string): string {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.s !== undefined ? new TextDecoder().decode(a.s) : dflt;
}
export function attrTensor(node: NodeProto, name: string): TensorProto | undefined {
  return node.attribute?.find((x) => x.name === name)?.t;
}
