/**
 * Chapter 5's import, the File Data Visualizer way (ES-ML-REFERENCE §9): what the cluster's
 * structure finder says about a sample becomes the summary Kibana shows and the import plan
 * Kibana's importer follows (the index with the proposed mappings, the pipeline `<index>-pipeline`
 * with the browser's time zone put in the `date` processor, one `{message}` per CSV row or the
 * object of an NDJSON line). Pure: no I/O.
 */
import { asNumber, asString, isObject, type Dsl } from './common';

export type ImportFormat = 'delimited' | 'ndjson';

export interface FieldSummary {
  name: string;
  /** The proposed mapping type (`keyword`, `long`, `double`, `date`, `boolean`, `text`…). */
  type: string;
  count: number;
  distinct: number;
  top: { value: string; count: number }[];
  min?: number;
  median?: number;
  max?: number;
  mean?: number;
  earliest?: string;
  latest?: string;
}

/** What Kibana's summary card and file stats show. */
export interface FileSummary {
  format: string;
  linesAnalysed: number;
  messagesAnalysed: number;
  delimiter: string | null;
  quote: string | null;
  hasHeaderRow: boolean | null;
  columns: string[];
  timeField: string | null;
  timeFormats: string[];
  /** Times carry no zone: they are read in the browser's zone (sent with the upload). */
  needTimeZone: boolean;
  fields: FieldSummary[];
}

function propertiesOf(mappings: unknown): Record<string, Dsl> {
  if (!isObject(mappings)) return {};
  // The 6.x-era finder (7.x's find_file_structure on some versions) answered without `properties`.
  const props = isObject(mappings.properties) ? mappings.properties : mappings;
  const out: Record<string, Dsl> = {};
  for (const [name, value] of Object.entries(props)) if (isObject(value)) out[name] = value;
  return out;
}

export function summariseStructure(structure: Dsl): FileSummary {
  const props = propertiesOf(structure.mappings);
  const stats = isObject(structure.field_stats) ? structure.field_stats : {};
  const columns = Array.isArray(structure.column_names) ? structure.column_names.map(String) : [];
  const names = columns.length > 0 ? columns.filter((c) => c in stats || c in props) : Object.keys(stats).sort();
  const fields: FieldSummary[] = names.map((name) => {
    const s = isObject(stats[name]) ? (stats[name] as Dsl) : {};
    const top = Array.isArray(s.top_hits) ? s.top_hits.filter(isObject).map((h) => ({ value: String(h.value), count: asNumber(h.count) ?? 0 })) : [];
    const field: FieldSummary = {
      name,
      type: asString(props[name]?.type) ?? 'keyword',
      count: asNumber(s.count) ?? 0,
      distinct: asNumber(s.cardinality) ?? 0,
      top: top.slice(0, 10),
    };
    for (const [key, from] of [['min', 'min_value'], ['median', 'median_value'], ['max', 'max_value'], ['mean', 'mean_value']] as const) {
      const v = asNumber(s[from]);
      if (v !== undefined) field[key] = v;
    }
    if (typeof s.earliest === 'string') field.earliest = s.earliest;
    if (typeof s.latest === 'string') field.latest = s.latest;
    return field;
  });
  return {
    format: asString(structure.format) ?? 'unknown',
    linesAnalysed: asNumber(structure.num_lines_analyzed) ?? 0,
    messagesAnalysed: asNumber(structure.num_messages_analyzed) ?? 0,
    delimiter: asString(structure.delimiter) ?? null,
    quote: asString(structure.quote) ?? null,
    hasHeaderRow: typeof structure.has_header_row === 'boolean' ? structure.has_header_row : null,
    columns,
    timeField: asString(structure.timestamp_field) ?? null,
    timeFormats: Array.isArray(structure.java_timestamp_formats) ? structure.java_timestamp_formats.map(String) : [],
    needTimeZone: structure.need_client_timezone === true,
    fields,
  };
}

export interface ImportPlan {
  format: ImportFormat;
  hasHeaderRow: boolean;
  /** `PUT /<index>` body: the proposed mappings with Kibana's `_meta.created_by`. */
  index: Dsl;
  pipelineId: string;
  /** `PUT _ingest/pipeline/<index>-pipeline` body, or null when the finder proposed none. */
  pipeline: Dsl | null;
  timeField: string | null;
}

/** The structure's format, if the importer can take it (delimited text and NDJSON). */
export function importFormat(structure: Dsl): ImportFormat | null {
  const format = asString(structure.format);
  return format === 'delimited' || format === 'ndjson' ? format : null;
}

/**
 * Kibana's `initializeImport`: the date processor's `{{ event.timezone }}` (older finders:
 * `{{ beat.timezone }}`) becomes the browser's zone, and the index is created with the mappings
 * marked as the File Data Visualizer's.
 */
export function planImport(structure: Dsl, indexName: string, timeZone: string): ImportPlan {
  const format = importFormat(structure);
  if (!format) throw new RangeError(`cannot import format ${String(structure.format)}`);
  const properties = propertiesOf(structure.mappings);
  const source = isObject(structure.ingest_pipeline) ? structure.ingest_pipeline : null;
  let pipeline: Dsl | null = null;
  if (source && Array.isArray(source.processors)) {
    const processors = source.processors.filter(isObject).map((processor) => {
      const date = processor.date;
      if (!isObject(date) || typeof date.timezone !== 'string' || !date.timezone.includes('{{')) return processor;
      return { ...processor, date: { ...date, timezone: timeZone } };
    });
    pipeline = { ...source, processors };
  }
  return {
    format,
    hasHeaderRow: structure.has_header_row === true,
    index: { mappings: { _meta: { created_by: 'file-data-visualizer' }, properties } },
    pipelineId: `${indexName}-pipeline`,
    pipeline,
    timeField: pipeline && properties['@timestamp'] ? '@timestamp' : (asString(structure.timestamp_field) ?? null),
  };
}

/** A line number in a structure finder's error (`... at line [12]`, `line 12`), if it names one. */
export function lineOfReason(reason: string | undefined): number | undefined {
  const m = reason ? /line\s*\[?(\d+)\]?/i.exec(reason) : null;
  return m ? Number(m[1]) : undefined;
}
