/** One sample of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (samples only; comments and HELP/TYPE lines are skipped). */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[name as string] = (value as string).replace(/\\(.)/g, '$1');
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels` (0 when none). */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

/** The distinct values of one label of a metric. */
export function labelValues(samples: readonly Sample[], name: string, label: string): Set<string> {
  return new Set(samples.filter((s) => s.name === name && s.labels[label] !== undefined).map((s) => s.labels[label] as string));
}

export async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string | null; samples: Sample[]; text: string }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), samples: res.status === 200 ? parsePrometheus(text) : [], text };
}
