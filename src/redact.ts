/**
 * Credentials never reach output, logs or state (README "Untrusted input"). Every message for
 * people and every `--json` document the CLI prints goes through {@link redactText}; names that
 * are stored (a source URL in a run record) go through {@link redactUrl} where they are made.
 */

/** Query parameters that carry credentials in feed URLs (`?apikey=`, `&token=`, `?sig=`...). */
const SECRET_PARAM = /^(?:api[-_]?key|key|token|access[-_]?token|auth|authorization|secret|client[-_]?secret|pass(?:word|wd)?|pwd|sig|signature|session|code|credential[s]?)$/i;

/** The same, inside any text: `?apikey=VALUE` or `&token=VALUE` up to the next separator. */
const SECRET_PARAM_IN_TEXT =
  /([?&;](?:api[-_]?key|key|token|access[-_]?token|auth|authorization|secret|client[-_]?secret|pass(?:word|wd)?|pwd|sig|signature|session|code|credentials?)=)[^&;#\s"'<>]+/gi;

/**
 * User info of a URL inside any text: `scheme://user:password@`. The user part holds no `/`,
 * the password may (a malformed URL echoed whole), neither holds white space or `@`.
 */
const USER_INFO_IN_TEXT = /((?:\b[a-z][a-z0-9+.-]{0,20}:)?\/\/)[^\s@/?#]{0,256}(?::[^\s@]{0,256})?@/gi;

/** An `Authorization` scheme followed by its credential, as a server may echo it. */
const AUTH_VALUE_IN_TEXT = /\b(Basic|Bearer|ApiKey|Digest)(\s+)[A-Za-z0-9+/=._~-]{6,}/g;

/** `http://user:secret@host:9200/?apikey=x` -> `http://host:9200/?apikey=***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const name of [...parsed.searchParams.keys()]) if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, '***');
    return parsed.toString().replace(/\/$/, '').replace(/%2A%2A%2A/g, '***');
  } catch {
    return redactText(url);
  }
}

/** Removes every occurrence of the given secrets (and their Basic-auth base64 forms) from a text. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
}

/**
 * Redacts what looks like a credential in any text (a foreign error message, a table, a JSON
 * document): URL user info, secret query parameters, `Basic`/`Bearer`/`ApiKey` values, then the
 * known secrets given. Linear in the text: every pattern is anchored on a literal and bounded.
 */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  const generic = text
    .replace(USER_INFO_IN_TEXT, '$1')
    .replace(SECRET_PARAM_IN_TEXT, '$1***')
    .replace(AUTH_VALUE_IN_TEXT, '$1$2***');
  return redactSecrets(generic, secrets);
}

/**
 * The secrets a command line and environment carry: `--password`, `--api-key`, any option
 * whose name says password/key/token, passwords inside URLs, in every spelling
 * (`--password X`, `--password=X`) — plus the base64 `user:password` a server may echo. What the
 * options resolve to later (a config file, a secret file) is added by {@link resolvedSecrets}.
 */
export function secretsOf(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const secrets: string[] = [];
  const secretFlag = /^--?(?:[a-z-]*(?:password|api-key|apikey|token|secret))(?:=(.*))?$/i;
  argv.forEach((arg, index) => {
    const flag = secretFlag.exec(arg);
    if (flag) secrets.push(flag[1] ?? argv[index + 1] ?? '');
    for (const match of arg.matchAll(/:\/\/([^\s@/]*):([^\s@]*)@/g)) secrets.push(safeDecode(match[2] ?? ''), match[2] ?? '');
  });
  for (const [name, value] of Object.entries(env)) {
    if (value && /^IOCHUNT_[A-Z_]*(?:PASSWORD|API_KEY|TOKEN|SECRET)$/.test(name)) secrets.push(value);
  }
  const user = flagValue(argv, '--user') ?? env.IOCHUNT_USER;
  const password = flagValue(argv, '--password') ?? env.IOCHUNT_PASSWORD;
  if (user !== undefined && password) secrets.push(Buffer.from(`${user}:${password}`).toString('base64'));
  return secrets.filter((secret) => secret.length >= 3);
}

/** The secrets of resolved options (any source: flag, environment, `--config`, secret file), and the Basic form of user and password. */
export function resolvedSecrets(options: { password?: unknown; apiKey?: unknown; user?: unknown }): string[] {
  const found = [options.password, options.apiKey].filter((value): value is string => typeof value === 'string' && value.length >= 3);
  if (typeof options.user === 'string' && typeof options.password === 'string') found.push(Buffer.from(`${options.user}:${options.password}`).toString('base64'));
  return found;
}

function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === name) return argv[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

/** `decodeURIComponent`, or the text itself when it holds a malformed escape (`%zz`). */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
