import { SandboxApiError } from './http.js';

/**
 * The input of an awsJson (1.0/1.1) request, as AWS reads it: an empty body is `{}`, a body that is not a
 * JSON object is rejected with 400 SerializationException before the operation runs.
 */
export function awsJsonInput(body: Buffer): Record<string, unknown> {
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new SandboxApiError(400, 'SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new SandboxApiError(400, 'SerializationException', 'Request body is not a JSON object');
  return input as Record<string, unknown>;
}
