// A small, strict command-line flag parser: --name value, --flag, --name=value. Unknown flags and
// missing values are errors that name the flag, so a typo never trains the wrong model silently.

export type FlagKind = 'string' | 'int' | 'number' | 'boolean';

export interface FlagSpec {
  kind: FlagKind;
  help: string;
  default?: string | number | boolean;
  /** Allowed values for string flags. */
  choices?: readonly string[];
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Value<F extends FlagSpec> = F['kind'] extends 'boolean' ? boolean : F['kind'] extends 'string' ? string : number;
/** Parsed flags: a flag with a default (or a boolean) always has a value; others may be undefined. */
export type Parsed<S extends Record<string, FlagSpec>> = {
  [K in keyof S]: S[K] extends { default: string | number | boolean } ? Value<S[K]> : S[K]['kind'] extends 'boolean' ? boolean : Value<S[K]> | undefined;
};

const TRUE_WORDS: readonly string[] = ['true', '1', 'yes'];
const FALSE_WORDS: readonly string[] = ['false', '0', 'no'];

export function parseArgs<S extends Record<string, FlagSpec>>(argv: readonly string[], spec: S): Parsed<S> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(spec)) out[name] = f.default ?? (f.kind === 'boolean' ? false : undefined);
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k] as string;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (flags start with --)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    // Own properties only: `--toString`, `--constructor` or `--__proto__` must not find
    // Object.prototype's members and are unknown flags like any other typo.
    const f = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (!f) throw new UsageError(`unknown flag --${name}`);
    if (f.kind === 'boolean') {
      if (eq < 0) {
        out[name] = true;
        continue;
      }
      const text = arg.slice(eq + 1).toLowerCase();
      if (TRUE_WORDS.includes(text)) out[name] = true;
      else if (FALSE_WORDS.includes(text)) out[name] = false;
      else throw new UsageError(`--${name} takes no value, or one of true/false, 1/0, yes/no; got ${JSON.stringify(arg.slice(eq + 1))}`);
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++k];
    if (raw === undefined || (eq < 0 && raw.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    // `--seed=` (or `--seed ''`) is a missing value, not 0 (Number('') is 0).
    if (f.kind !== 'string' && raw.trim() === '') throw new UsageError(`--${name} needs a value`);
    if (f.kind === 'string') {
      if (f.choices && !f.choices.includes(raw)) throw new UsageError(`--${name} must be one of ${f.choices.join(', ')}; got ${JSON.stringify(raw)}`);
      out[name] = raw;
    } else {
      const v = Number(raw);
      if (!Number.isFinite(v) || (f.kind === 'int' && !Number.isInteger(v))) throw new UsageError(`--${name} needs ${f.kind === 'int' ? 'an integer' : 'a number'}; got ${JSON.stringify(raw)}`);
      out[name] = v;
    }
  }
  return out as Parsed<S>;
}

export function usage(command: string, spec: Record<string, FlagSpec>): string {
  const lines = [`usage: ${command} [flags]`, ''];
  for (const [name, f] of Object.entries(spec)) {
    const value = f.kind === 'boolean' ? '' : f.choices ? ` <${f.choices.join('|')}>` : ` <${f.kind}>`;
    const def = f.default !== undefined && f.kind !== 'boolean' ? ` (default ${String(f.default)})` : '';
    lines.push(`  --${name}${value}`.padEnd(44) + f.help + def);
  }
  return lines.join('\n');
}

/** Run a CLI main, printing usage errors and other errors clearly, with exit codes 2 and 1. */
export function runCli(main: () => Promise<void>, command: string, spec: Record<string, FlagSpec>): void {
  main().catch((err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${usage(command, spec)}\n`);
      process.exit(2);
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  });
}

/** An argument as a POSIX shell would need it (single-quoted when it holds anything special). */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/u.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}
