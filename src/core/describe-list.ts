/** `a,b,c` or `a,b,c (and 997 more)`: a list of names in a message stays one short line. */
export function describeList(names: readonly string[], shown = 3): string {
  return names.length <= shown ? names.join(',') : `${names.slice(0, shown).join(',')} (and ${names.length - shown} more)`;
}
