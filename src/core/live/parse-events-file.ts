import { InputError } from '../../errors.js';
import { jsonSyntaxPlace } from '../json-syntax-place.js';

/** Events for `pipelines simulate`: a JSON array, one object, or NDJSON (one event per line). */
export function parseEventsFile(text: string, file: string): Record<string, unknown>[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return [parseEvents(trimmed, file, 0)].flat();
  return text.split('\n').flatMap((line, index) => (line.trim() === '' ? [] : [parseEvents(line, file, index)]).flat());
}

function parseEvents(text: string, file: string, lineIndex: number): Record<string, unknown> | Record<string, unknown>[] {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`not JSON or NDJSON events: invalid JSON${jsonSyntaxPlace(text, error, lineIndex)}`, { file });
  }
}
