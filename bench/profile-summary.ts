// Summarises a .cpuprofile (node --cpu-prof): self time by file and by function, inclusive time, top N.
//   node --import tsx bench/profile-summary.ts FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const p = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const byId = new Map<number, ProfileNode>(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
const dt = p.timeDeltas as number[];
p.samples.forEach((id: number, i: number) => {
  self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map<string, number>();
const file = new Map<string, number>();
for (const [id, t] of self) {
  const cf = byId.get(id)!.callFrame;
  const url = (cf.url || '').replace(/^.*node_modules\//, 'nm/').replace(/^.*\/work\/main\//, '');
  const k = `${cf.functionName || '(anon)'} ${url}:${cf.lineNumber}`;
  fn.set(k, (fn.get(k) ?? 0) + t);
  file.set(url || cf.functionName, (file.get(url || cf.functionName) ?? 0) + t);
}
// inclusive time by function name for a few interesting ones
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map<string, number>();
for (const [id, t] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const cf = byId.get(cur)!.callFrame;
    const k = `${cf.functionName || '(anon)'} ${(cf.url || '').replace(/^.*\/work\/main\//, '').replace(/^.*node_modules\//, 'nm/')}`;
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + t);
  }
}
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log(`total ${(total / 1000).toFixed(0)} ms`);
console.log('--- self by file\n' + top(file, 15));
console.log('--- self by function\n' + top(fn, Number(process.env.NFN ?? 25)));
console.log('--- inclusive\n' + top(incl, Number(process.argv[3] ?? 40)));
