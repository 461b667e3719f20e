import { InputError } from '../../errors.js';

/**
 * `JSON.parse` for source files: strips a UTF-8 BOM (common in exports from Windows tools,
 * and fatal to `JSON.parse`) and turns a syntax error into an {@link InputError} naming the
 * file, so the CLI prints one line and exits 2.
 */
export function parseJsonDocument(text: string, file?: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InputError(`invalid JSON: ${detail}`, { file }, { cause: error });
  }
}
