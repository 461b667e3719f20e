#!/usr/bin/env node
import { runCli } from './run-cli.js';

// `iochunt hunt --json | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

const result = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  errIsTerminal: process.stderr.isTTY === true,
});
if (result.error) process.stderr.write(`iochunt: ${result.error.split('\n')[0]}\n`);
process.exitCode = result.exitCode;
// Exit once both streams have flushed what was written (a pipe takes 64 KiB at once: the rest of
// a large `--json` answer is still queued here, and exiting at once cut it), even if a client
// left a socket open.
const flushed = (stream: NodeJS.WriteStream): Promise<void> => new Promise((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(result.exitCode);
