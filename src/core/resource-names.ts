import { UsageError } from '../errors.js';
import { DEFAULT_PREFIX } from './defaults.js';

/** Names of everything iochunt creates in a cluster, all derived from one prefix. */
export interface ResourceNames {
  prefix: string;
  iocs: string;
  alerts: string;
  state: string;
  tagPipeline: string;
}

/** Index names must be lower case and avoid these characters; we also keep the prefix short. */
const VALID_PREFIX = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** `iochunt` -> `iochunt-iocs`, `iochunt-alerts`, `iochunt-state`, `iochunt-tag`. */
export function buildResourceNames(prefix = DEFAULT_PREFIX): ResourceNames {
  if (!VALID_PREFIX.test(prefix)) {
    throw new UsageError(
      `--prefix "${prefix}": use 1-64 lower-case letters, digits, "-", "_" or ".", starting with a letter or digit`,
    );
  }
  return {
    prefix,
    iocs: `${prefix}-iocs`,
    alerts: `${prefix}-alerts`,
    state: `${prefix}-state`,
    tagPipeline: `${prefix}-tag`,
  };
}
