import { CPU_FIELDS } from './recognise';
import { isObject, thresholdFieldsOf, type ThresholdWatchFields } from './threshold';

/**
 * A watch record in plain words, in both languages: the value that decided the condition ("max
 * CPU 0.83 > 0.5", "hits.total 3 > 0"), a search that matched nothing, throttling, what each action
 * did and why an execution failed. Each line carries a message key and its values (for the UI's
 * message catalogue) and the rendered English and Korean text.
 */

export interface ExplanationLine {
  key: string;
  values: Record<string, string | number>;
  en: string;
  ko: string;
}

export interface ThresholdOutcome {
  /** "max CPU", "count", "avg system.load.1". */
  label: string;
  value: number | null;
  comparator: string;
  threshold: number | number[];
  met: boolean;
}

export interface RecordExplanation {
  state: string;
  conditionMet: boolean | undefined;
  outcome?: ThresholdOutcome;
  lines: ExplanationLine[];
}

type Rec = Record<string, unknown>;

function obj(v: unknown): Rec | undefined {
  return isObject(v) ? v : undefined;
}

function at(v: unknown, path: string): unknown {
  let cur = v;
  for (const p of path.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(p)) cur = cur[Number(p)];
    else if (isObject(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Math.round(v * 1000) / 1000);
}

function sign(value: number, threshold: number): string {
  return value > threshold ? '>' : value < threshold ? '<' : '=';
}

function line(key: string, values: Record<string, string | number>, en: string, ko: string): ExplanationLine {
  return { key, values, en, ko };
}

function fieldLabel(field: string | undefined): string {
  if (!field) return '';
  return (CPU_FIELDS as readonly string[]).includes(field) ? 'CPU' : field;
}

/** The value a Kibana threshold watch compared, from the record's input payload. */
export function thresholdOutcome(record: Rec, watch?: unknown): ThresholdOutcome | undefined {
  const fields: ThresholdWatchFields | undefined = thresholdFieldsOf(record) ?? thresholdFieldsOf(watch);
  const result = obj(record.result);
  const payload = obj(obj(result?.input)?.payload);
  if (!fields || !payload) return undefined;
  const metric = fields.aggType !== 'count';
  const label = metric ? `${fields.aggType} ${fieldLabel(fields.aggField)}` : 'count';
  const comparator = fields.thresholdComparator;
  const met = obj(result?.condition)?.met === true;
  let value: number | null;
  if (fields.termField) {
    const buckets = at(payload, 'aggregations.bucketAgg.buckets');
    const values = (Array.isArray(buckets) ? buckets : []).map((b) => (metric ? at(b, 'metricAgg.value') : at(b, 'doc_count'))).filter((x): x is number => typeof x === 'number');
    // The bucket that came closest to firing: the highest for above, the lowest for below.
    value = values.length === 0 ? null : comparator.startsWith('<') ? Math.min(...values) : Math.max(...values);
  } else {
    const v = metric ? at(payload, 'aggregations.metricAgg.value') : at(payload, 'hits.total');
    value = typeof v === 'number' ? v : isObject(v) && typeof v.value === 'number' ? v.value : null;
  }
  return { label, value, comparator, threshold: fields.threshold, met };
}

function outcomeLine(o: ThresholdOutcome): ExplanationLine {
  if (o.value === null) {
    return line('watches.explain.noValue', { label: o.label }, `${o.label}: no value in the time window (no documents with the field)`, `${o.label}: 시간 범위에 값이 없음 (필드가 있는 문서 없음)`);
  }
  const v = formatNumber(o.value);
  if (o.comparator === 'between' && Array.isArray(o.threshold)) {
    const [lo, hi] = o.threshold.map((x) => formatNumber(Number(x)));
    return o.met
      ? line('watches.explain.between', { label: o.label, value: v, low: lo ?? '', high: hi ?? '' }, `${o.label} ${v} between ${lo} and ${hi}`, `${o.label} ${v}, ${lo}~${hi} 범위 안`)
      : line('watches.explain.outside', { label: o.label, value: v, low: lo ?? '', high: hi ?? '' }, `${o.label} ${v} outside ${lo} to ${hi}`, `${o.label} ${v}, ${lo}~${hi} 범위 밖`);
  }
  const t = Number(Array.isArray(o.threshold) ? o.threshold[0] : o.threshold);
  const text = `${o.label} ${v} ${sign(o.value, t)} ${formatNumber(t)}`;
  return line('watches.explain.threshold', { label: o.label, value: v, sign: sign(o.value, t), threshold: formatNumber(t) }, text, text);
}

function compareLines(result: Rec, record: Rec): ExplanationLine[] {
  const cond = obj(result.condition);
  const resolved = obj(obj(cond?.compare)?.resolved_values) ?? obj(obj(cond?.array_compare)?.resolved_values);
  const def = obj(obj(record.condition)?.compare);
  if (!resolved || !def) return [];
  const out: ExplanationLine[] = [];
  for (const [path, spec] of Object.entries(def)) {
    const actual = resolved[path];
    const configured = isObject(spec) ? Object.values(spec)[0] : undefined;
    const label = path.replace(/^ctx\.payload\./, '');
    if (typeof actual === 'number' && typeof configured === 'number') {
      const text = `${label} ${formatNumber(actual)} ${sign(actual, configured)} ${formatNumber(configured)}`;
      out.push(line('watches.explain.compare', { label, value: formatNumber(actual), sign: sign(actual, configured), threshold: formatNumber(configured) }, text, text));
    } else {
      const a = JSON.stringify(actual ?? null);
      const op = isObject(spec) ? Object.keys(spec)[0] ?? '' : '';
      const text = `${label} ${a} ${op} ${JSON.stringify(configured ?? null)}`;
      out.push(line('watches.explain.compareOther', { label, value: a, op, threshold: JSON.stringify(configured ?? null) }, text, text));
    }
  }
  return out;
}

function actionLine(a: Rec): ExplanationLine {
  const id = String(a.id ?? '');
  const type = String(a.type ?? '');
  const status = String(a.status ?? '');
  const reason = typeof a.reason === 'string' ? a.reason : typeof obj(a.error)?.reason === 'string' ? String(obj(a.error)?.reason) : '';
  const to = (at(a, 'email.message.to') as unknown[] | undefined)?.join(', ') ?? '';
  switch (status) {
    case 'success':
      if (type === 'email') return line('watches.explain.emailSent', { id, to }, `Email sent to ${to}`, `${to}에게 메일을 보냈습니다`);
      if (type === 'logging') {
        const text = String(at(a, 'logging.logged_text') ?? '');
        return line('watches.explain.logged', { id, text }, `Logged: ${text}`, `로그에 남김: ${text}`);
      }
      return line('watches.explain.actionDone', { id, type }, `Action ${id} (${type}) ran`, `액션 ${id} (${type}) 실행됨`);
    case 'simulated':
      return line('watches.explain.simulated', { id, type }, `Action ${id} (${type}) simulated: nothing was sent`, `액션 ${id} (${type}) 시뮬레이션: 아무것도 보내지 않음`);
    case 'throttled':
      return line('watches.explain.throttled', { id, reason }, `Action ${id} throttled: ${reason}`, `액션 ${id} 스로틀됨: ${reason}`);
    case 'acknowledged':
      return line('watches.explain.acknowledged', { id, reason }, `Action ${id} acknowledged: ${reason}`, `액션 ${id} 확인(ack)됨: ${reason}`);
    case 'condition_failed':
      return line('watches.explain.actionConditionFailed', { id, reason }, `Action ${id} skipped: ${reason}`, `액션 ${id} 건너뜀: ${reason}`);
    default:
      return line('watches.explain.actionFailed', { id, type, reason }, `Action ${id} (${type}) failed: ${reason}`, `액션 ${id} (${type}) 실패: ${reason}`);
  }
}

/** Explains one watch record (a `.watcher-history-*` `_source` or `_execute`'s `watch_record`). */
export function explainRecord(record: Rec, watch?: unknown): RecordExplanation {
  const state = String(record.state ?? '');
  const result = obj(record.result) ?? {};
  const cond = obj(result.condition);
  const conditionMet = cond ? cond.met === true : undefined;
  const lines: ExplanationLine[] = [];
  const messages = Array.isArray(record.messages) ? record.messages.map(String) : [];
  if (messages.includes('Watch is not active')) {
    lines.push(line('watches.explain.inactive', {}, 'The watch is not active', '워치가 비활성 상태입니다'));
    return { state, conditionMet, lines };
  }
  const input = obj(result.input);
  if (input?.status === 'failure') {
    const reason = String(obj(input.error)?.reason ?? '');
    lines.push(line('watches.explain.inputFailed', { reason }, `The input failed: ${reason}`, `입력(검색) 실패: ${reason}`));
  } else if (input) {
    const total = at(input, 'payload.hits.total');
    const n = typeof total === 'number' ? total : isObject(total) && typeof total.value === 'number' ? total.value : undefined;
    if (n === 0 && input.type === 'search') lines.push(line('watches.explain.noHits', {}, 'The search matched 0 documents', '검색된 문서가 0건입니다'));
  }
  const outcome = thresholdOutcome(record, watch);
  if (outcome) lines.push(outcomeLine(outcome));
  else if (cond?.type === 'compare' || cond?.type === 'array_compare') lines.push(...compareLines(result, record));
  else if (cond) {
    lines.push(cond.met ? line('watches.explain.conditionMet', {}, 'The condition was met', '조건이 충족되었습니다') : line('watches.explain.conditionNotMet', {}, 'The condition was not met', '조건이 충족되지 않았습니다'));
  }
  const exception = obj(record.exception);
  if (exception) {
    const cause = obj(exception.caused_by);
    const reason = `${String(exception.reason ?? exception.type ?? '')}${cause ? ` (${String(cause.type ?? '')}: ${String(cause.reason ?? '')})` : ''}`;
    lines.push(line('watches.explain.failed', { reason }, `The execution failed: ${reason}`, `실행 실패: ${reason}`));
  } else if (state === 'failed' || messages.length > 0) {
    for (const m of messages) lines.push(line('watches.explain.failed', { reason: m }, `The execution failed: ${m}`, `실행 실패: ${m}`));
  }
  const transform = obj(result.transform);
  if (transform?.status === 'failure') {
    const reason = String(obj(transform.error)?.reason ?? transform.reason ?? '');
    lines.push(line('watches.explain.transformFailed', { reason }, `The transform failed: ${reason}`, `변환(transform) 실패: ${reason}`));
  }
  for (const a of Array.isArray(result.actions) ? result.actions.filter(isObject) : []) lines.push(actionLine(a as Rec));
  const out: RecordExplanation = { state, conditionMet, lines };
  if (outcome) out.outcome = outcome;
  return out;
}
