import { InputError } from '../../errors.js';
import { jsonSyntaxPlace } from '../json-syntax-place.js';

/**
 * `JSON.parse` for source files: strips a UTF-8 BOM (common in exports from Windows tools,
 * and fatal to `JSON.parse`) and turns a syntax error into an {@link InputError} naming the
 * file and the place (never the text: see `jsonSyntaxPlace`), so the CLI prints one line and exits 2.
 */
export function parseJsonDocument(text: string, file?: string): unknown {
  const json = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new InputError(`invalid JSON${jsonSyntaxPlace(json, error)}`, { file }, { cause: error });
  }
}
