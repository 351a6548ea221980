/** Offline input files, read once: gunzipped when gzip, BOM removed, parsed once as a JSON document. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError, errorMessage } from '../errors.js';

export interface InputText {
  readonly file: string;
  readonly text: string;
  /** The parsed document, or undefined when the text is not one JSON document (e.g. JSON Lines). */
  readonly document: unknown;
  /** Why the text did not parse as one document. */
  readonly parseError?: string;
}

export function readInputText(file: string): InputText {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InputError(file, '', `cannot read input: ${errorMessage(error)}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new InputError(file, '', `gzip data is corrupt: ${errorMessage(error)}`);
    }
  }
  return inputFromText(file, bytes.toString('utf8').replace(/^\uFEFF/, ''));
}

export function inputFromText(file: string, text: string): InputText {
  try {
    return { file, text, document: JSON.parse(text) as unknown };
  } catch (error) {
    return { file, text, document: undefined, parseError: errorMessage(error) };
  }
}

/** One JSON value per non-empty line; a bad line names its line number. */
export function parseJsonLines(file: string, text: string): unknown[] {
  const items: unknown[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      items.push(JSON.parse(line));
    } catch (error) {
      throw new InputError(`${file}:${index + 1}`, '', `line is not valid JSON (${errorMessage(error)})`);
    }
  });
  return items;
}
