/**
 * Summarizes V8 CPU profiles written by `npm run bench -- --cpu-prof` (one per child process,
 * bench/results/*.cpuprofile): self time by function and by package, busiest first.
 *   node --import tsx bench/profile.ts [file.cpuprofile …]   (default: every profile in bench/results)
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR } from './harness.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** node_modules/<package> or src/<file> or a node internal, for grouping. */
function owner(url: string): string {
  if (url === '') return '(native / idle / gc)';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module?.[1]) return module[1];
  const source = /\/(src\/.+)$/.exec(url);
  if (source?.[1]) return source[1];
  if (url.startsWith('node:')) return 'node internals';
  return path.basename(url);
}

export function summarize(file: string, top = 15): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = profile.endTime - profile.startTime;
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)' ? functionName : `${functionName || '(anonymous)'} ${owner(url)}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const group = ['(idle)', '(program)', '(garbage collector)'].includes(functionName) ? functionName : owner(url);
    byOwner.set(group, (byOwner.get(group) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`${path.basename(file)}: ${(total / 1e6).toFixed(1)} s profiled`, '  by package / file:'];
  for (const [name, us] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 10)) lines.push(`    ${pct(us)}  ${name}`);
  lines.push('  by function (self time):');
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`    ${pct(us)}  ${name}`);
  return lines.join('\n');
}

const files = process.argv.slice(2);
const targets = files.length > 0 ? files : readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(RESULTS_DIR, f));
for (const file of targets) console.log(`${summarize(file)}\n`);
