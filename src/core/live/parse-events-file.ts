import { InputError } from '../../errors.js';

/** Events for `pipelines simulate`: a JSON array, one object, or NDJSON (one event per line). */
export function parseEventsFile(text: string, file: string): Record<string, unknown>[] {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('[')) return JSON.parse(trimmed) as Record<string, unknown>[];
    return trimmed
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  } catch (error) {
    throw new InputError(`not JSON or NDJSON events: ${(error as Error).message}`, { file });
  }
}
