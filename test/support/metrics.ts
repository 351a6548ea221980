/** Reading Prometheus text exposition in tests. */

/** `metric{labels} value` lines of one metric, as label-string → value. */
export function series(text: string, metric: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(metric.length, space), Number(line.slice(space + 1)));
  }
  return out;
}

/** The value of the one series of `metric` whose labels include every given label. */
export function value(text: string, metric: string, labels: Record<string, string>): number | undefined {
  const hits = [...series(text, metric)].filter(([l]) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  if (hits.length > 1) throw new Error(`${metric} ${JSON.stringify(labels)} matches ${hits.length} series`);
  return hits[0]?.[1];
}
