/**
 * JSON → google.protobuf.Struct / Value: how the sandbox's Cloud Asset server puts `resource.data` on
 * the gRPC wire, as Google's does. The collector decodes the other way in collectors/gcp/struct.ts;
 * each side owns its half of the wire format.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON → google.protobuf.Struct (the inverse of the collector's structToJson). */
export function jsonToStruct(json: Readonly<Json>): { fields: Json } {
  const fields: Json = {};
  for (const [key, value] of Object.entries(json)) if (value !== undefined) fields[key] = jsonToValue(value);
  return { fields };
}

export function jsonToValue(value: unknown): Json {
  if (value === null || value === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(jsonToValue) } };
  if (isObject(value)) return { structValue: jsonToStruct(value) };
  // bigint, symbol, function: not JSON; bigint keeps its digits, the rest have no JSON value.
  return typeof value === 'bigint' ? { stringValue: value.toString() } : { nullValue: 'NULL_VALUE' };
}
