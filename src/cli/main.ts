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
// Let pending writes drain, then exit even if a client left a socket open.
setImmediate(() => process.exit(result.exitCode));
