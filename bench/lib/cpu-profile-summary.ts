/**
 * Summarises a V8 .cpuprofile (from a bench run with --cpu-prof): how busy the process was, and where its CPU time
 * went by function (self time) and by package or source folder (self time summed), so a profile can be read
 * without DevTools.
 *
 *   npx tsx bench/lib/cpu-profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const where = (url: string): string => {
  if (!url) return '(native/V8)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const dist = url.indexOf('/dist/');
  if (dist >= 0)
    return url
      .slice(dist + '/dist/'.length)
      .split('/')
      .slice(0, 2)
      .join('/');
  return url;
};

const main = () => {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile-summary <file.cpuprofile> [top]');
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes)
    for (const child of node.children ?? []) byId.get(child)!.parent = node.id;
  /** The nearest frame of the bridge's own code (compiled tree), as `folder/sub`, else the leaf's package. */
  const component = (id: number): string => {
    for (
      let node = byId.get(id);
      node;
      node = node.parent === undefined ? undefined : byId.get(node.parent)
    ) {
      const { url } = node.callFrame;
      if (url.includes('/dist/') && !url.includes('node_modules')) return `bridge: ${where(url)}`;
    }
    return `no bridge frame: ${where(byId.get(id)!.callFrame.url)}`;
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)),
  );

  const totalUs = profile.endTime - profile.startTime;
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  const byComponent = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const name = `${functionName || '(anonymous)'} ${url ? `${where(url)}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const place = functionName === '(garbage collector)' ? '(garbage collector)' : where(url);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
    const owner = functionName === '(garbage collector)' ? '(garbage collector)' : component(id);
    byComponent.set(owner, (byComponent.get(owner) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const share = (us: number) => `${((100 * us) / busyUs).toFixed(1).padStart(5)}%`;
  const section = (title: string, times: Map<string, number>) => [
    '',
    title,
    ...[...times]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([label, us]) => `  ${ms(us)} ${share(us)}  ${label}`),
  ];
  const lines = [
    `profile ${(totalUs / 1e6).toFixed(1)} s, main thread busy ${(busyUs / 1e6).toFixed(1)} s (${((100 * busyUs) / totalUs).toFixed(0)}%)`,
    ...section('self time by package / source folder (share of busy time):', byPlace),
    ...section(
      'by the nearest bridge frame on the stack (inclusive of the libraries it called):',
      byComponent,
    ),
    ...section('self time by function:', byFunction),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
};

main();
