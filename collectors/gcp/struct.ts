/**
 * google.protobuf.Struct / Value → plain JSON. On the gRPC transport `resource.data` (and other
 * Struct fields) arrive as `{ fields: { key: { stringValue | numberValue | boolValue | nullValue |
 * structValue | listValue } } }`; the collector converts them here, once, at the boundary, so the
 * rest of the agent only ever sees the JSON the REST transport and `gcloud asset` output carry.
 * The sandbox encodes the other way in its own src/sandbox/gcp-struct.ts.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Thrown for a payload that is not a Struct/Value: the caller turns it into a malformed resource. */
export class StructError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StructError';
  }
}

/** True when the object looks like a protobuf Struct rather than plain JSON. */
export function isProtoStruct(value: unknown): value is { fields: Json } {
  return isObject(value) && isObject(value.fields) && Object.keys(value).every((k) => k === 'fields');
}

export function structToJson(struct: unknown, path = 'data'): Json {
  if (!isObject(struct)) throw new StructError(`${path} is not a protobuf Struct`);
  const fields = struct.fields ?? {};
  if (!isObject(fields)) throw new StructError(`${path}.fields is not a map`);
  const out: Json = {};
  for (const [key, value] of Object.entries(fields)) out[key] = valueToJson(value, `${path}.${key}`);
  return out;
}

export function valueToJson(value: unknown, path: string): unknown {
  if (!isObject(value)) throw new StructError(`${path} is not a protobuf Value`);
  // proto-loader with `oneofs: true` names the set member in `kind`; without it, find the one present.
  const kind = typeof value.kind === 'string' ? value.kind : VALUE_KINDS.find((k) => value[k] !== undefined && value[k] !== null);
  switch (kind) {
    case 'nullValue':
      return null;
    case 'numberValue':
      return Number(value.numberValue);
    case 'stringValue':
      return String(value.stringValue);
    case 'boolValue':
      return value.boolValue === true;
    case 'structValue':
      return structToJson(value.structValue, path);
    case 'listValue': {
      const list = isObject(value.listValue) ? value.listValue.values ?? [] : undefined;
      if (!Array.isArray(list)) throw new StructError(`${path}.listValue.values is not a list`);
      return list.map((item, i) => valueToJson(item, `${path}[${i}]`));
    }
    case undefined:
      // A Value with no member set is how proto3 encodes an explicit JSON null on the wire.
      return null;
    default:
      throw new StructError(`${path} has an unknown Value kind ${kind}`);
  }
}

const VALUE_KINDS = ['nullValue', 'numberValue', 'stringValue', 'boolValue', 'structValue', 'listValue'] as const;
