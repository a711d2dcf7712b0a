// `npm run bench` — run the registered bench sections, print their tables and targets, and
// merge their results into bench/results/latest.json (each section owns its top-level keys;
// keys written by other sections are kept).
//
//   npm run bench                        every section
//   npm run bench -- --only matmul,gru   some sections
//   npm run bench -- --quick             fewer, shorter samples (development)
//   npm run bench -- --no-write          do not touch latest.json
//
// To add a section: write bench/<name>.ts exporting a `Section` (bench/section.ts), time with
// bench/timing.ts (in a bench host, bench/hosts.ts, when it compares with tfjs), and add it to
// SECTIONS below.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAvg, machineInfo } from './env';
import { closeHosts, tfjsInfo } from './hosts';
import { gruSection } from './gru';
import { matmulSection } from './matmul';
import { explorerSection } from './explorer';
import { animationSection } from './animation';
import { pageSection } from './page';
import { saliencySection } from './saliency';
import { sentenceSection } from './sentence';
import { trainSection } from './train';
import { transformerSection } from './transformer';
import { treeSection } from './tree';
import type { BenchContext, Section, TargetCheck } from './section';
import { formatTable } from './table';
import { FULL_TIMING, QUICK_TIMING } from './timing';

const SECTIONS: readonly Section[] = [matmulSection, gruSection, sentenceSection, transformerSection, saliencySection, trainSection, pageSection, explorerSection, animationSection, treeSection];

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');

interface Args {
  only: string[] | null;
  quick: boolean;
  write: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { only: null, quick: false, write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--quick') args.quick = true;
    else if (a === '--no-write') args.write = false;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a === '--only' ? argv[++i] : a.slice('--only='.length);
      if (!v) throw new Error('--only needs a comma-separated list of sections');
      args.only = v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    } else if (a === '--help' || a === '-h') {
      console.log(`usage: npm run bench -- [--only ${SECTIONS.map((s) => s.name).join(',')}] [--quick] [--no-write]`);
      process.exit(0);
    } else {
      throw new Error(`unknown argument ${a} (try --help)`);
    }
  }
  if (args.only) {
    const unknown = args.only.filter((n) => !SECTIONS.some((s) => s.name === n));
    if (unknown.length > 0) {
      throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
    }
  }
  return args;
}

function readResults(): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(RESULTS, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    console.warn(`${RESULTS} is not a JSON object; starting a new one`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') console.warn(`could not read ${RESULTS} (${String(e)}); starting a new one`);
  }
  return {};
}

function writeResults(results: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  const tmp = RESULTS.replace(/\.json$/, `.${process.pid}.tmp.json`);
  fs.writeFileSync(tmp, JSON.stringify(results, null, 2) + '\n');
  fs.renameSync(tmp, RESULTS);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadStart = loadAvg();
  const t0 = performance.now();
  const machine = machineInfo(loadStart, await tfjsInfo());
  const ctx: BenchContext = { timing: args.quick ? QUICK_TIMING : FULL_TIMING, quick: args.quick, log: (line = '') => console.log(line) };

  console.log(
    `bench: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (V8 ${machine.v8}), tfjs ${machine.tfjs} ` +
      `(wasm SIMD ${machine.wasmSimd ? 'on' : 'off'}, ${machine.wasmThreads} thread), load ${loadStart.join(' ')}` +
      (args.quick ? ', --quick' : ''),
  );

  const selected = SECTIONS.filter((s) => !args.only || args.only.includes(s.name));
  const json: Record<string, unknown> = {};
  const targets: TargetCheck[] = [];
  const errors: string[] = [];
  for (const section of selected) {
    console.log(`\n== ${section.title}\n`);
    const s0 = performance.now();
    const res = await section.run(ctx);
    Object.assign(json, res.json);
    targets.push(...res.targets);
    errors.push(...res.errors);
    console.log(`\n(${section.name}: ${((performance.now() - s0) / 1000).toFixed(1)} s)`);
  }

  const loadEnd = loadAvg();
  machine.loadavg = [loadStart, loadEnd];
  if (targets.length > 0) {
    console.log('\n== targets\n');
    console.log(formatTable(['target', 'result', 'measured'], targets.map((t) => [t.name, t.pass ? 'PASS' : 'FAIL', t.detail])));
    console.log(`\n${targets.filter((t) => t.pass).length} of ${targets.length} targets met`);
  }
  console.log(`\nload average at start ${loadStart.join(' ')}, at end ${loadEnd.join(' ')}; ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);

  if (errors.length > 0) {
    console.error('\nmeasurement errors (results not written):');
    for (const e of errors) console.error(`  ${e}`);
    process.exitCode = 1;
    return;
  }
  if (args.write) {
    const results = readResults();
    results.machine = machine;
    Object.assign(results, json);
    writeResults(results);
    console.log(`wrote ${path.relative(process.cwd(), RESULTS)} (${Object.keys(json).join(', ')})`);
  }
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => closeHosts());
