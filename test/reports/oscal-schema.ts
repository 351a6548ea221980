/** NIST's OSCAL 1.0.6 JSON Schemas (copied into fixtures/oscal, see SOURCE.md) as ajv validators. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { PACKAGE_ROOT } from '../../src/paths.js';

const SCHEMAS = join(PACKAGE_ROOT, 'test', 'reports', 'fixtures', 'oscal');

/** A draft-07 validator (the schemas declare draft-07) with format checks. */
export function oscalValidator(file: string): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as object);
}

export function expectValid(validate: ValidateFunction, document: unknown): void {
  const ok = validate(document);
  expect(ok ? [] : (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`)).toEqual([]);
}

