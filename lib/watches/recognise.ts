import { isObject, thresholdFieldsOf } from './threshold';

/**
 * Recognises the chapter's two watches by what they do, not by id or name (the handout left those
 * to lost screenshots): a threshold on a CPU field over Metricbeat data is HighCPU; a search of
 * Filebeat auth events for SSH login attempts is the SSH watch (the handout's watch, Kibana
 * threshold variants, hand-written variants).
 */

export const CPU_FIELDS = ['system.cpu.total.norm.pct', 'system.cpu.total.pct'] as const;
export type CpuField = (typeof CPU_FIELDS)[number];

export type WatchKind = 'highcpu' | 'ssh' | 'other';

export interface Recognition {
  kind: WatchKind;
  /** HighCPU: the CPU field the threshold is on. */
  cpuField?: CpuField;
  /** HighCPU: the field is divided by the number of cores (a single `dd` raises it by 1/cores only). */
  normalised?: boolean;
  /** From Kibana's form when the watch is a threshold watch. */
  threshold?: number | number[];
  comparator?: string;
  aggType?: string;
}

const SSH_MARKERS = [/input_userauth_request/i, /invalid user/i, /failed password/i, /system\.auth\.ssh/i, /\bsshd\b/i, /authentication failure/i, /ssh/i];
const AUTH_MARKERS = [/system\.auth/i, /\bauth\b/i, /sshd/i, /input_userauth_request/i, /invalid user/i, /failed password/i];
const SSH_TERM_FIELDS = /^(system\.auth\.ssh\.|source\.ip$|user\.name$|source\.address$|process\.name$)/;

function searchRequest(watch: Record<string, unknown>): { indices: string[]; body: unknown } | undefined {
  const input = isObject(watch.input) ? watch.input : undefined;
  const candidates: unknown[] = [];
  if (input && isObject(input.search)) candidates.push(input.search);
  if (input && isObject(input.chain) && Array.isArray(input.chain.inputs)) {
    for (const i of input.chain.inputs) if (isObject(i)) for (const v of Object.values(i)) if (isObject(v) && isObject(v.search)) candidates.push(v.search);
  }
  for (const c of candidates) {
    if (!isObject(c) || !isObject(c.request)) continue;
    const raw = c.request.indices;
    const indices = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : [];
    return { indices, body: c.request.body ?? c.request.template };
  }
  return undefined;
}

const onMetricbeat = (indices: string[]) => indices.some((i) => /metricbeat|^metrics-/.test(i) || i === '*' || i === '_all');
const onFilebeat = (indices: string[]) => indices.some((i) => /filebeat|^logs-/.test(i) || i === '*' || i === '_all');

export function recogniseWatch(watch: unknown): Recognition {
  if (!isObject(watch)) return { kind: 'other' };
  const request = searchRequest(watch);
  if (!request) return { kind: 'other' };
  const fields = thresholdFieldsOf(watch);
  const bodyText = JSON.stringify(request.body ?? {});
  const conditionText = JSON.stringify(watch.condition ?? {});

  if (onMetricbeat(request.indices)) {
    const cpuField = fields?.aggField && (CPU_FIELDS as readonly string[]).includes(fields.aggField) ? (fields.aggField as CpuField) : CPU_FIELDS.find((f) => bodyText.includes(`"${f}"`) || conditionText.includes(f));
    if (cpuField) {
      const out: Recognition = { kind: 'highcpu', cpuField, normalised: cpuField === 'system.cpu.total.norm.pct' };
      if (fields) {
        out.threshold = fields.threshold;
        out.comparator = fields.thresholdComparator;
        out.aggType = fields.aggType;
      }
      return out;
    }
  }
  if (onFilebeat(request.indices)) {
    if (fields) {
      // Kibana's threshold form cannot filter by query: an SSH variant groups or measures an auth field.
      if ((fields.termField && SSH_TERM_FIELDS.test(fields.termField)) || (fields.aggField && /^system\.auth\./.test(fields.aggField))) return { kind: 'ssh', threshold: fields.threshold, comparator: fields.thresholdComparator, aggType: fields.aggType };
      return { kind: 'other' };
    }
    const auth = AUTH_MARKERS.some((m) => m.test(bodyText));
    const ssh = SSH_MARKERS.some((m) => m.test(bodyText));
    if (auth && ssh) return { kind: 'ssh' };
  }
  return { kind: 'other' };
}
