// npm run tokenize -- --data pairs.tsv --out pairs.tok.tsv [--level word|char] [--lowercase]
//
// Cuts a TSV of sentence pairs (source<TAB>target[<TAB>attribution]) into tokens exactly as the
// app does (src/data/tokenize.ts), and writes one pair a line with the tokens of each side joined
// by single spaces. The PyTorch twin's trainer (python -m rnnsearch.train, README "PyTorch twin")
// reads this file, so that the vocabularies it builds are the ones the page's tokenizer produces.
// Pairs with an empty side or a side longer than MAX_TOKENS_PER_SIDE are left out (as npm run
// train does).

import { readFileSync, writeFileSync } from 'node:fs';
import { MAX_TOKENS_PER_SIDE } from '../src/data/limits';
import { tokenize, type TokenizerSettings } from '../src/data/tokenize';
import { parseSentencePairs } from '../src/data/tsv';
import { parseArgs, runCli, UsageError, type FlagSpec } from './lib/args';

const SPEC = {
  data: { kind: 'string', help: 'a TSV file of sentence pairs' },
  out: { kind: 'string', help: 'the tokenised TSV to write' },
  level: { kind: 'string', help: 'tokens: words or characters', choices: ['word', 'char'], default: 'word' },
  lowercase: { kind: 'boolean', help: 'lower-case the text first' },
} satisfies Record<string, FlagSpec>;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), SPEC);
  if (!args.data || !args.out) throw new UsageError('--data and --out are required');
  const settings: TokenizerSettings = { level: args.level as 'word' | 'char', lowercase: args.lowercase };
  const parsed = parseSentencePairs(new Uint8Array(readFileSync(args.data)));
  const lines: string[] = [];
  let skipped = 0;
  for (const pair of parsed.pairs) {
    const source = tokenize(pair.source, settings);
    const target = tokenize(pair.target, settings);
    if (source.length === 0 || target.length === 0 || source.length > MAX_TOKENS_PER_SIDE || target.length > MAX_TOKENS_PER_SIDE) {
      skipped++;
      continue;
    }
    lines.push(`${source.join(' ')}\t${target.join(' ')}`);
  }
  writeFileSync(args.out, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  process.stdout.write(
    `wrote ${lines.length} pairs to ${args.out} (level ${settings.level}${settings.lowercase ? ', lower-cased' : ''}; ${skipped} left out, ${parsed.errors.length} bad lines)\n`,
  );
}

runCli(main, 'npm run tokenize --', SPEC);
