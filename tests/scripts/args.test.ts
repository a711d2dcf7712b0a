import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type FlagSpec } from '../../scripts/lib/args';

const spec = {
  seed: { kind: 'int', help: 'random seed', default: 1 },
  lr: { kind: 'number', help: 'learning rate' },
  task: { kind: 'string', help: 'task', choices: ['copy', 'reverse'], default: 'copy' },
  lowercase: { kind: 'boolean', help: 'lower-case' },
} satisfies Record<string, FlagSpec>;

function usageError(argv: string[]): string {
  try {
    parseArgs(argv, spec);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`parseArgs(${JSON.stringify(argv)}) did not throw`);
}

describe('parseArgs', () => {
  it('parses --name value, --name=value and bare booleans, keeping defaults', () => {
    expect(parseArgs([], spec)).toEqual({ seed: 1, lr: undefined, task: 'copy', lowercase: false });
    expect(parseArgs(['--seed', '7', '--lr=0.5', '--task', 'reverse', '--lowercase'], spec)).toEqual({ seed: 7, lr: 0.5, task: 'reverse', lowercase: true });
  });

  it('keeps its messages for unknown flags, missing values, bad numbers and bad choices', () => {
    expect(usageError(['--sead', '1'])).toBe('unknown flag --sead');
    expect(usageError(['--seed'])).toBe('--seed needs a value');
    expect(usageError(['--seed', '--lr', '1'])).toBe('--seed needs a value');
    expect(usageError(['--seed', '1.5'])).toBe('--seed needs an integer; got "1.5"');
    expect(usageError(['--lr', 'abc'])).toBe('--lr needs a number; got "abc"');
    expect(usageError(['--task', 'sort'])).toBe('--task must be one of copy, reverse; got "sort"');
    expect(usageError(['seed'])).toMatch(/unexpected argument "seed"/);
  });

  it("rejects Object.prototype's names as unknown flags (own properties only)", () => {
    expect(usageError(['--toString', '1'])).toBe('unknown flag --toString');
    expect(usageError(['--constructor=1'])).toBe('unknown flag --constructor');
    expect(usageError(['--__proto__', 'x'])).toBe('unknown flag --__proto__');
    expect(usageError(['--hasOwnProperty'])).toBe('unknown flag --hasOwnProperty');
  });

  it('refuses an empty value for an int or number flag instead of reading it as 0', () => {
    expect(usageError(['--seed='])).toBe('--seed needs a value');
    expect(usageError(['--lr='])).toBe('--lr needs a value');
    expect(usageError(['--seed', ''])).toBe('--seed needs a value');
    expect(usageError(['--lr', '  '])).toBe('--lr needs a value');
    expect(parseArgs(['--seed=0'], spec).seed).toBe(0);
  });

  it('accepts only true/false, 1/0, yes/no (any case) as an explicit boolean value', () => {
    for (const v of ['true', '1', 'yes', 'TRUE', 'Yes']) expect(parseArgs([`--lowercase=${v}`], spec).lowercase).toBe(true);
    for (const v of ['false', '0', 'no', 'FALSE', 'No']) expect(parseArgs([`--lowercase=${v}`], spec).lowercase).toBe(false);
    expect(usageError(['--lowercase=maybe'])).toMatch(/^--lowercase .*true\/false.*got "maybe"$/);
    expect(usageError(['--lowercase='])).toMatch(/^--lowercase .*got ""$/);
  });
});
