/**
 * Test support: lab scenarios built from the real Beats samples, indexed into the practice engine
 * by the query modules' tests.
 */
import { localJson, sharedJson } from './fixtures';
import type { LabDoc } from './lab-engine';

// Real Metricbeat samples: ../shared/fixtures (cpu, memory, load) and __fixtures__ (network).
export const SAMPLES = {
  cpu: sharedJson('metricbeat/system-cpu.json'),
  memory: sharedJson('metricbeat/system-memory.json'),
  load: sharedJson('metricbeat/system-load.json'),
  network: localJson<Record<string, unknown>>('metricbeat-system-network.json'),
};

export const METRICBEAT_FLAVOURS = [
  { flavour: '7.x dated index', index: 'metricbeat-7.17.0-2026.11.24', host: 'lab-host-7' },
  { flavour: '8.x data stream', index: 'metricbeat-8.15.0', host: 'lab-host-8' },
] as const;

/** The scenario's clock: 2026-11-24T12:00:05Z. */
export const NOW = Date.UTC(2026, 10, 24, 12, 0, 5);
export const SECOND = 1000;

/**
 * A real sample re-timed and given the `host.name` every shipped event carries (Beats' samples
 * omit it, see the fixtures README). `patch` changes values the scenario needs.
 */
export function sample(
  kind: keyof typeof SAMPLES,
  at: number,
  host: string,
  patch?: (doc: Record<string, unknown>) => void,
): Record<string, unknown> {
  const doc = structuredClone(SAMPLES[kind]);
  doc['@timestamp'] = new Date(at).toISOString();
  doc.host = { ...(doc.host as object | undefined), name: host };
  patch?.(doc);
  return doc;
}

export function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = doc;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}

const WLP_IN = 37904869172; // the sample's counters
const WLP_OUT = 6299331926;
const RESET_AT = Date.UTC(2026, 10, 24, 11, 50, 0);
const CPU_GAP = [Date.UTC(2026, 10, 24, 11, 55, 0), Date.UTC(2026, 10, 24, 11, 55, 30)] as const;

/**
 * A host reporting every 10 s (Metricbeat's period) from 11:44:30 to now: cpu, memory, load and
 * two interfaces. wlp4s0 receives 1000 B/s and sends 200 B/s, lo 500 B/s each way. wlp4s0's
 * counters reset at 11:50:00 (reboot); no cpu documents in [11:55:00, 11:55:30).
 */
export function hostTimeline(index: string, host: string): LabDoc[] {
  const docs: LabDoc[] = [];
  const start = Date.UTC(2026, 10, 24, 11, 44, 30);
  let n = 0;
  const add = (source: Record<string, unknown>) => docs.push({ index, id: `${host}-${n++}`, source });
  for (let t = start; t <= NOW; t += 10 * SECOND) {
    const s = (t - start) / SECOND;
    if (t < CPU_GAP[0] || t >= CPU_GAP[1]) add(sample('cpu', t, host));
    add(sample('memory', t, host));
    add(sample('load', t, host));
    const sinceReset = (t - RESET_AT) / SECOND;
    add(
      sample('network', t, host, (d) => {
        setPath(d, 'system.network.in.bytes', t < RESET_AT ? WLP_IN + 1000 * s : 100 + 1000 * sinceReset);
        setPath(d, 'system.network.out.bytes', t < RESET_AT ? WLP_OUT + 200 * s : 100 + 200 * sinceReset);
      }),
    );
    add(
      sample('network', t, host, (d) => {
        setPath(d, 'system.network.name', 'lo');
        setPath(d, 'system.network.in.bytes', 5000 + 500 * s);
        setPath(d, 'system.network.out.bytes', 5000 + 500 * s);
      }),
    );
  }
  return docs;
}

