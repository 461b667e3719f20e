/** `2021-03-04T05:06:07.000Z` -> `2021-03-04 05:06:07 UTC`; other text as is. */
export function formatTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** `2021-03-04T05:06:07.000Z` -> `2021-03-04`; other text as is. */
export const formatDate = (iso: string): string => (/^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso);
