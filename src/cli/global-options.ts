import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Argv } from 'yargs';
import { DEFAULT_PREFIX } from '../core/defaults.js';
import { jsonSyntaxPlace } from '../core/json-syntax-place.js';
import { ConfigError, UsageError } from '../errors.js';
import { DEFAULT_URL, type ConnectionOptions } from '../io/engine/connection-options.js';
import type { EngineChoice } from '../io/engine/engine.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../logger.js';

/** The global options (README "Commands"); yargs also reads each from `IOCHUNT_<NAME>`. */
export interface GlobalArgs {
  url: string;
  apiKey?: string;
  /** A file holding the API key (a mounted Kubernetes secret): one trailing newline is dropped. */
  apiKeyFile?: string;
  user?: string;
  password?: string;
  /** A file holding the password. */
  passwordFile?: string;
  ca?: string;
  insecure: boolean;
  engine: EngineChoice;
  prefix: string;
  config?: string;
  json: boolean;
  logLevel: LogLevel;
  logFormat?: LogFormat;
  maxResponse?: number;
}

/** A `--config` file (JSON or YAML): its keys are defaults for the options of the same name. */
export function loadConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`--config: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let parsed: unknown;
  try {
    parsed = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    // Only where: the parser's own message quotes the file, and the file may hold a password.
    throw new ConfigError(`--config: ${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}${jsonSyntaxPlace(text, error)}: fix the file`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`--config: ${path} must hold an object of settings`);
  }
  return parsed as Record<string, unknown>;
}

/** Options a user may also set as `IOCHUNT_<NAME>`, and their built-in defaults. */
const ENV_OPTIONS: Record<string, { env: string; fallback?: unknown }> = {
  url: { env: 'IOCHUNT_URL', fallback: DEFAULT_URL },
  apiKey: { env: 'IOCHUNT_API_KEY' },
  apiKeyFile: { env: 'IOCHUNT_API_KEY_FILE' },
  user: { env: 'IOCHUNT_USER' },
  password: { env: 'IOCHUNT_PASSWORD' },
  passwordFile: { env: 'IOCHUNT_PASSWORD_FILE' },
  ca: { env: 'IOCHUNT_CA' },
  insecure: { env: 'IOCHUNT_INSECURE', fallback: false },
  engine: { env: 'IOCHUNT_ENGINE', fallback: 'auto' },
  prefix: { env: 'IOCHUNT_PREFIX', fallback: DEFAULT_PREFIX },
  config: { env: 'IOCHUNT_CONFIG' },
  logLevel: { env: 'IOCHUNT_LOG_LEVEL', fallback: 'warn' },
  // No fallback: without a choice, the format follows stderr (defaultLogFormat in cli-context.ts).
  logFormat: { env: 'IOCHUNT_LOG_FORMAT' },
};

/** Where `resolveGlobalOptions` records the options that took their built-in default (a symbol: yargs' strict mode never sees it). */
const DEFAULTED = Symbol('iochunt.defaulted');
/** Where `resolveGlobalOptions` records a warning about the `--config` file (see {@link configWarning}). */
const CONFIG_WARNING = Symbol('iochunt.config-warning');

/**
 * Whether an option was left to its built-in default (not given on the command line, in the
 * environment or in the `--config` file). `iochunt demo` starts its own engine unless a
 * cluster was named in any of those three places.
 */
export function isDefaulted(args: object, key: keyof GlobalArgs): boolean {
  const defaulted = (args as { [DEFAULTED]?: Set<string> })[DEFAULTED];
  return defaulted?.has(key) === true;
}

const camel = (key: string): string => key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Fills every global option the command line left out: first from `IOCHUNT_<NAME>`, then from
 * the `--config` file (keys in camelCase or kebab-case), then the built-in default. Only the
 * known variables are read, so other `IOCHUNT_*` variables never trip strict parsing.
 */
export function resolveGlobalOptions(
  argv: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  readConfig: (path: string) => Record<string, unknown> = loadConfigFile,
): void {
  const configPath = (argv.config as string | undefined) ?? env.IOCHUNT_CONFIG;
  const fromFile = configPath ? readConfig(configPath) : {};
  const config = Object.fromEntries(Object.entries(fromFile).map(([key, value]) => [camel(key), value]));
  const defaulted = new Set<string>();
  Object.defineProperty(argv, DEFAULTED, { value: defaulted, enumerable: false });
  for (const [key, { env: name, fallback }] of Object.entries(ENV_OPTIONS)) {
    if (argv[key] !== undefined) continue;
    const raw = env[name];
    const given = raw !== undefined && raw !== '' ? (typeof fallback === 'boolean' ? /^(1|true|yes)$/i.test(raw) : raw) : config[key];
    if (given === undefined) defaulted.add(key);
    const value = given ?? fallback;
    if (value === undefined) continue;
    setOption(argv, key, value);
  }
  resolveSecretFile(argv, 'password', 'passwordFile');
  resolveSecretFile(argv, 'apiKey', 'apiKeyFile');
  const exposed = configPath ? exposedSecretWarning(configPath, fromFile) : undefined;
  if (exposed) Object.defineProperty(argv, CONFIG_WARNING, { value: exposed, enumerable: false });
}

function setOption(argv: Record<string, unknown>, key: string, value: unknown): void {
  argv[key] = value;
  const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  if (kebab !== key) argv[kebab] = value;
}

/**
 * `--password-file` / `--api-key-file` (from any source) become the secret itself, read once,
 * here: everything downstream (the connection, the redaction of printed lines) sees one value.
 * A secret given both ways is refused.
 */
function resolveSecretFile(argv: Record<string, unknown>, key: 'password' | 'apiKey', fileKey: 'passwordFile' | 'apiKeyFile'): void {
  const file = argv[fileKey];
  if (typeof file !== 'string') return;
  const flag = key === 'password' ? 'password' : 'api-key';
  if (argv[key] !== undefined) throw new UsageError(`use either --${flag} or --${flag}-file, not both`);
  setOption(argv, key, readSecretFile(file, `--${flag}-file`));
}

/**
 * A `--config` file that holds a password or an API key and that others may read (group or
 * world permission bits): the warning to give, or undefined. Secret files are the place for
 * secrets (`--password-file`).
 */
function exposedSecretWarning(path: string, settings: Record<string, unknown>): string | undefined {
  const secret = Object.keys(settings).map(camel).find((key) => key === 'password' || key === 'apiKey');
  if (!secret) return undefined;
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return undefined;
  }
  if ((mode & 0o044) === 0) return undefined;
  return `--config ${path} holds ${secret === 'password' ? 'a password' : 'an API key'} and others can read it (mode ${(mode & 0o777).toString(8)}): chmod 600 it, or move the secret to --${secret === 'password' ? 'password' : 'api-key'}-file`;
}

/** The warning `resolveGlobalOptions` found about the `--config` file, if any. */
export function configWarning(args: object): string | undefined {
  return (args as { [CONFIG_WARNING]?: string })[CONFIG_WARNING];
}

const envNote = (name: string): string => ` (env ${name})`;

export function withGlobalOptions<T>(yargs: Argv<T>): Argv<T & GlobalArgs> {
  return yargs
    .option('url', { type: 'string', describe: `Cluster URL(s), comma separated${envNote('IOCHUNT_URL')}`, defaultDescription: DEFAULT_URL, global: true })
    .option('api-key', { type: 'string', describe: `API key, base64 id:key${envNote('IOCHUNT_API_KEY')}`, global: true })
    .option('user', { type: 'string', describe: `Basic auth user${envNote('IOCHUNT_USER')}`, global: true })
    .option('password', { type: 'string', describe: `Basic auth password${envNote('IOCHUNT_PASSWORD')}`, global: true })
    .option('password-file', { type: 'string', describe: `File holding the password; a flag shows in ps, a file does not${envNote('IOCHUNT_PASSWORD_FILE')}`, global: true })
    .option('api-key-file', { type: 'string', describe: `File holding the API key${envNote('IOCHUNT_API_KEY_FILE')}`, global: true })
    .option('ca', { type: 'string', describe: `PEM file of the CA that signed the cluster certificate${envNote('IOCHUNT_CA')}`, global: true })
    .option('insecure', { type: 'boolean', describe: 'Skip TLS certificate verification', defaultDescription: 'false', global: true })
    .option('engine', {
      choices: ['auto', 'elasticsearch', 'opensearch'] as const,
      describe: `Cluster flavour; auto detects it${envNote('IOCHUNT_ENGINE')}`,
      defaultDescription: 'auto',
      global: true,
    })
    .option('prefix', { type: 'string', describe: `Prefix of every index/pipeline name${envNote('IOCHUNT_PREFIX')}`, defaultDescription: DEFAULT_PREFIX, global: true })
    .option('config', { type: 'string', describe: `JSON or YAML file of option defaults${envNote('IOCHUNT_CONFIG')}`, global: true })
    .option('max-response', { type: 'number', describe: 'Largest cluster answer read, in bytes', defaultDescription: '268435456 (256 MiB)', global: true })
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document on stdout', global: true })
    .option('log-level', { choices: LOG_LEVELS, describe: `Logs go to stderr: info adds run progress, debug every cluster request${envNote('IOCHUNT_LOG_LEVEL')}`, defaultDescription: 'warn', global: true })
    .option('log-format', { choices: LOG_FORMATS, describe: `text for people, json for collectors${envNote('IOCHUNT_LOG_FORMAT')}`, defaultDescription: 'text on a terminal, else json', global: true })
    .middleware((argv) => resolveGlobalOptions(argv as Record<string, unknown>, process.env), true)
    .group(['url', 'api-key', 'api-key-file', 'user', 'password', 'password-file', 'ca', 'insecure', 'engine', 'prefix', 'config', 'max-response', 'json', 'log-level', 'log-format'], 'Global options:') as unknown as Argv<
    T & GlobalArgs
  >;
}

/**
 * A secret read from a file (`--password-file`, `--api-key-file`): its content without the one
 * trailing newline an editor or `echo` adds. Never echoed: errors name the file and the reason.
 */
export function readSecretFile(path: string, flag: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') throw new ConfigError(`${flag} ${path}: the file is empty`);
  return secret;
}

export function connectionOptionsFrom(args: GlobalArgs): ConnectionOptions {
  return {
    // A repeated --url gives an array: every node is used.
    url: Array.isArray(args.url) ? (args.url as string[]).join(',') : args.url,
    engine: args.engine,
    insecure: args.insecure,
    ...(args.apiKey ? { apiKey: args.apiKey } : {}),
    ...(args.user ? { user: args.user } : {}),
    ...(args.password !== undefined ? { password: args.password } : {}),
    ...(args.ca ? { ca: args.ca } : {}),
    ...(args.maxResponse === undefined ? {} : { maxResponseBytes: args.maxResponse }),
  };
}
