/**
 * Where a JSON or YAML parse error is — ` at line 3, column 14` — and never its text: the
 * parser's own message quotes the input ("Unexpected token 'r', "root:x:0:0:"... is not valid
 * JSON"), and the input may be a config holding a password or a file a symlink pointed at.
 * `lineOffset` places a line of a larger text (NDJSON). Empty when the error says nothing.
 */
export function jsonSyntaxPlace(text: string, error: unknown, lineOffset = 0): string {
  const yamlPos = (error as { linePos?: { line: number; col: number }[] } | undefined)?.linePos?.[0];
  if (yamlPos) return ` at line ${yamlPos.line + lineOffset}, column ${yamlPos.col}`;
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (position === undefined) return '';
  const offset = Number(position);
  const before = text.slice(0, offset);
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line += 1;
  return ` at line ${line + lineOffset}, column ${offset - before.lastIndexOf('\n')}`;
}
