import type { FieldMapping, Flavor, Mappings } from '../engine/api';
import { flavourInfo } from '../flavours';

/**
 * What `metricbeat setup` / `filebeat setup` (and a Beat's own start-up) install in Elasticsearch:
 * the index template (8.x: a composable template with `data_stream: {}` named after the Beat and
 * its version; 7.x: a legacy template over the daily indices) and, for Filebeat modules, the
 * ingest pipelines. The mappings are a subset of the Beats' fields.yml covering every field the
 * practice host ships, with the same types (scaled_float percentages, keyword strings, long
 * counters, geo_point locations).
 */

export type Beat = 'metricbeat' | 'filebeat';

type FlatMapping = Record<string, FieldMapping>;

const keyword: FieldMapping = { type: 'keyword', ignore_above: 1024 };
const long: FieldMapping = { type: 'long' };
const date: FieldMapping = { type: 'date' };
const pct: FieldMapping = { type: 'scaled_float', scaling_factor: 1000 };
const bytes: FieldMapping = { type: 'long', meta: { unit: 'byte' } };

function nest(flat: FlatMapping): Record<string, FieldMapping> {
  const root: Record<string, FieldMapping> = {};
  for (const [path, mapping] of Object.entries(flat)) {
    const parts = path.split('.');
    let level = root;
    for (let i = 0; i < parts.length - 1; i += 1) {
      const key = parts[i] as string;
      const existing = level[key] ?? { properties: {} };
      existing.properties ??= {};
      level[key] = existing;
      level = existing.properties;
    }
    level[parts[parts.length - 1] as string] = { ...mapping };
  }
  return root;
}

const ECS_COMMON: FlatMapping = {
  '@timestamp': date,
  'agent.type': keyword,
  'agent.version': keyword,
  'agent.hostname': keyword,
  'agent.name': keyword,
  'agent.id': keyword,
  'agent.ephemeral_id': keyword,
  'ecs.version': keyword,
  'host.name': keyword,
  'host.hostname': keyword,
  'host.id': keyword,
  'host.architecture': keyword,
  'host.containerized': { type: 'boolean' },
  'host.ip': { type: 'ip' },
  'host.mac': keyword,
  'host.os.type': keyword,
  'host.os.platform': keyword,
  'host.os.name': keyword,
  'host.os.family': keyword,
  'host.os.version': keyword,
  'host.os.codename': keyword,
  'host.os.kernel': keyword,
  'event.module': keyword,
  'event.dataset': keyword,
  'event.duration': long,
  'event.kind': keyword,
  'event.category': keyword,
  'event.type': keyword,
  'event.action': keyword,
  'event.outcome': keyword,
  'event.timezone': keyword,
  'event.ingested': date,
  'service.type': keyword,
  'data_stream.type': { type: 'constant_keyword' },
  'data_stream.dataset': { type: 'constant_keyword' },
  'data_stream.namespace': { type: 'constant_keyword' },
  tags: keyword,
};

const CPU_STATES = ['user', 'system', 'nice', 'idle', 'iowait', 'irq', 'softirq', 'steal'];

function metricbeatFields(): FlatMapping {
  const flat: FlatMapping = {
    ...ECS_COMMON,
    'metricset.name': keyword,
    'metricset.period': long,
    'host.cpu.pct': pct,
    'host.cpu.usage': pct,
    'host.network.in.bytes': bytes,
    'host.network.in.packets': long,
    'host.network.out.bytes': bytes,
    'host.network.out.packets': long,
    'host.network.ingress.bytes': bytes,
    'host.network.ingress.packets': long,
    'host.network.egress.bytes': bytes,
    'host.network.egress.packets': long,
    'system.cpu.cores': long,
    'system.cpu.total.pct': pct,
    'system.cpu.total.norm.pct': pct,
    'system.load.1': { type: 'scaled_float', scaling_factor: 100 },
    'system.load.5': { type: 'scaled_float', scaling_factor: 100 },
    'system.load.15': { type: 'scaled_float', scaling_factor: 100 },
    'system.load.norm.1': pct,
    'system.load.norm.5': pct,
    'system.load.norm.15': pct,
    'system.load.cores': long,
    'system.memory.total': bytes,
    'system.memory.used.bytes': bytes,
    'system.memory.used.pct': pct,
    'system.memory.free': bytes,
    'system.memory.cached': bytes,
    'system.memory.actual.free': bytes,
    'system.memory.actual.used.bytes': bytes,
    'system.memory.actual.used.pct': pct,
    'system.memory.swap.total': bytes,
    'system.memory.swap.used.bytes': bytes,
    'system.memory.swap.used.pct': pct,
    'system.memory.swap.free': bytes,
    'system.memory.swap.in.pages': long,
    'system.memory.swap.out.pages': long,
    'system.memory.swap.readahead.cached': long,
    'system.memory.swap.readahead.pages': long,
    'system.memory.hugepages.total': long,
    'system.memory.hugepages.free': long,
    'system.memory.hugepages.reserved': long,
    'system.memory.hugepages.surplus': long,
    'system.memory.hugepages.default_size': bytes,
    'system.memory.hugepages.used.bytes': bytes,
    'system.memory.hugepages.used.pct': pct,
    'system.memory.hugepages.swap.out.pages': long,
    'system.memory.hugepages.swap.out.fallback': long,
    'system.memory.page_stats.pgscan_kswapd.pages': long,
    'system.memory.page_stats.pgscan_direct.pages': long,
    'system.memory.page_stats.pgfree.pages': long,
    'system.memory.page_stats.pgsteal_kswapd.pages': long,
    'system.memory.page_stats.pgsteal_direct.pages': long,
    'system.memory.page_stats.direct_efficiency.pct': pct,
    'system.memory.page_stats.kswapd_efficiency.pct': pct,
    'system.network.name': keyword,
    'system.network.in.bytes': bytes,
    'system.network.in.packets': long,
    'system.network.in.errors': long,
    'system.network.in.dropped': long,
    'system.network.out.bytes': bytes,
    'system.network.out.packets': long,
    'system.network.out.errors': long,
    'system.network.out.dropped': long,
    'system.process.summary.total': long,
    'system.process.summary.running': long,
    'system.process.summary.sleeping': long,
    'system.process.summary.idle': long,
    'system.process.summary.stopped': long,
    'system.process.summary.zombie': long,
    'system.process.summary.unknown': long,
    'system.process.summary.dead': long,
    'system.filesystem.available': bytes,
    'system.filesystem.device_name': keyword,
    'system.filesystem.type': keyword,
    'system.filesystem.files': long,
    'system.filesystem.free': bytes,
    'system.filesystem.free_files': long,
    'system.filesystem.mount_point': keyword,
    'system.filesystem.options': keyword,
    'system.filesystem.total': bytes,
    'system.filesystem.used.bytes': bytes,
    'system.filesystem.used.pct': pct,
    'system.fsstat.count': long,
    'system.fsstat.total_files': long,
    'system.fsstat.total_size.free': bytes,
    'system.fsstat.total_size.used': bytes,
    'system.fsstat.total_size.total': bytes,
    'system.uptime.duration.ms': { type: 'long', meta: { unit: 'ms' } },
  };
  for (const state of CPU_STATES) {
    flat[`system.cpu.${state}.pct`] = pct;
    flat[`system.cpu.${state}.norm.pct`] = pct;
    flat[`system.cpu.${state}.ticks`] = long;
  }
  return flat;
}

function filebeatFields(flavor: Flavor): FlatMapping {
  const text: FieldMapping = flavor !== '7' ? { type: 'match_only_text' } : { type: 'text', norms: false };
  return {
    ...ECS_COMMON,
    message: text,
    'input.type': keyword,
    'fileset.name': keyword,
    'log.file.path': keyword,
    'log.offset': long,
    'process.name': keyword,
    'process.pid': long,
    'user.name': keyword,
    'user.id': keyword,
    'user.effective.name': keyword,
    'group.name': keyword,
    'group.id': keyword,
    'source.ip': { type: 'ip' },
    'source.port': long,
    'source.address': keyword,
    'source.domain': keyword,
    'source.geo.continent_name': keyword,
    'source.geo.country_iso_code': keyword,
    'source.geo.country_name': keyword,
    'source.geo.city_name': keyword,
    'source.geo.region_iso_code': keyword,
    'source.geo.region_name': keyword,
    'source.geo.location': { type: 'geo_point' },
    'source.as.number': long,
    'source.as.organization.name': keyword,
    'related.user': keyword,
    'related.ip': { type: 'ip' },
    'related.hosts': keyword,
    'system.auth.ssh.event': keyword,
    'system.auth.ssh.method': keyword,
    'system.auth.ssh.signature': keyword,
    'system.auth.ssh.dropped_ip': { type: 'ip' },
    'system.auth.sudo.error': keyword,
    'system.auth.sudo.tty': keyword,
    'system.auth.sudo.pwd': keyword,
    'system.auth.sudo.user': keyword,
    'system.auth.sudo.command': keyword,
    'system.auth.useradd.home': keyword,
    'system.auth.useradd.shell': keyword,
    'error.message': text,
  };
}

function beatMappings(beat: Beat, flavor: Flavor): Mappings {
  const info = flavourInfo(flavor);
  return {
    _meta: { beat, version: info.version },
    date_detection: false,
    dynamic_templates: [{ strings_as_keyword: { match_mapping_type: 'string', mapping: { ignore_above: 1024, type: 'keyword' } } }],
    properties: nest(beat === 'metricbeat' ? metricbeatFields() : filebeatFields(flavor)),
  };
}

function beatSettings(beat: Beat): Record<string, unknown> {
  return {
    index: {
      mapping: { total_fields: { limit: 10000 } },
      refresh_interval: '5s',
      max_docvalue_fields_search: 200,
      query: { default_field: beat === 'metricbeat' ? ['message', 'tags', 'agent.name', 'host.name', 'system.network.name'] : ['message', 'tags', 'agent.name', 'host.name', 'user.name', 'process.name'] },
    },
  };
}

/** The template name and the name the Beat writes to (8.x: the data stream; 7.x: the day's index). */
export function beatTemplateName(beat: Beat, flavor: Flavor): string {
  return `${beat}-${flavourInfo(flavor).version}`;
}

export function beatWriteTarget(beat: Beat, flavor: Flavor, t: number): string {
  const base = beatTemplateName(beat, flavor);
  if (flavourInfo(flavor).beatsWriteMode === 'data_stream') return base;
  const d = new Date(t);
  return `${base}-${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** 8.x: body of `PUT _index_template/<name>`; 7.x: body of `PUT _template/<name>`. */
export function beatTemplate(beat: Beat, flavor: Flavor): { kind: 'index_template' | 'legacy'; name: string; body: Record<string, unknown> } {
  const name = beatTemplateName(beat, flavor);
  if (flavor !== '7') {
    return {
      kind: 'index_template',
      name,
      body: {
        index_patterns: [name],
        data_stream: {},
        priority: 150,
        template: { settings: beatSettings(beat), mappings: beatMappings(beat, flavor) },
        _meta: { description: `default ${beat} template installed by ${beat} ${flavourInfo(flavor).version}`, beat },
      },
    };
  }
  return {
    kind: 'legacy',
    name,
    body: {
      index_patterns: [`${name}-*`],
      order: 1,
      settings: beatSettings(beat),
      mappings: beatMappings(beat, flavor),
      aliases: {},
    },
  };
}

export function filebeatPipelineId(flavor: Flavor, fileset: 'auth' | 'syslog'): string {
  return `filebeat-${flavourInfo(flavor).version}-system-${fileset}-pipeline`;
}

const DATE_FORMATS = ['MMM  d HH:mm:ss', 'MMM dd HH:mm:ss', 'ISO8601'];

/** The Filebeat system module's ingest pipelines, as `filebeat setup --pipelines` loads them. */
export function filebeatPipelines(flavor: Flavor): { id: string; body: Record<string, unknown> }[] {
  const ecs = flavourInfo(flavor).beatsEcsVersion;
  const onFailure = [{ set: { field: 'error.message', value: '{{ _ingest.on_failure_message }}' } }];
  const auth = {
    description: 'Pipeline for parsing system authorization and secure logs.',
    processors: [
      { set: { field: 'event.ingested', value: '{{_ingest.timestamp}}' } },
      { rename: { field: 'message', target_field: 'event.original', ignore_missing: true } },
      {
        grok: {
          field: 'event.original',
          pattern_definitions: { GREEDYMULTILINE: '(.|\\n)*', TIMESTAMP: '(?:%{TIMESTAMP_ISO8601}|%{SYSLOGTIMESTAMP})' },
          patterns: ['^%{TIMESTAMP:system.auth.timestamp} %{SYSLOGHOST:host.hostname}? %{DATA:process.name}(?:\\[%{POSINT:process.pid:long}\\])?:%{SPACE}%{GREEDYMULTILINE:_temp.message}$'],
        },
      },
      {
        grok: {
          field: '_temp.message',
          ignore_missing: true,
          patterns: [
            '^%{DATA:system.auth.ssh.event} %{DATA:system.auth.ssh.method} for (invalid user)?%{DATA:user.name} from %{IPORHOST:source.ip} port %{NUMBER:source.port:long} ssh2(: %{GREEDYDATA:system.auth.ssh.signature})?',
            '^%{DATA:system.auth.ssh.event} user %{DATA:user.name} from %{IPORHOST:source.ip}',
            '^Did not receive identification string from %{IPORHOST:system.auth.ssh.dropped_ip}',
            '^%{DATA:user.name} :( %{DATA:system.auth.sudo.error} ;)? TTY=%{DATA:system.auth.sudo.tty} ; PWD=%{DATA:system.auth.sudo.pwd} ; USER=%{DATA:system.auth.sudo.user} ; COMMAND=%{GREEDYDATA:system.auth.sudo.command}',
            '^new group: name=%{DATA:group.name}, GID=%{NUMBER:group.id}',
            '^new user: name=%{DATA:user.name}, UID=%{NUMBER:user.id}, GID=%{NUMBER:group.id}, home=%{DATA:system.auth.useradd.home}, shell=%{DATA:system.auth.useradd.shell}$',
          ],
          on_failure: [{ rename: { field: '_temp.message', target_field: 'message' } }],
        },
      },
      { remove: { field: '_temp' } },
      {
        grok: {
          field: 'message',
          ignore_missing: true,
          ignore_failure: true,
          patterns: [
            'for user \\"?%{DATA:_temp.foruser}\\"? by \\"?%{DATA:_temp.byuser}\\"?(?:\\(uid=%{NUMBER:_temp.byuid}\\))?$',
            'for user \\"?%{DATA:_temp.foruser}\\"?$',
            'by user \\"?%{DATA:_temp.byuser}\\"?$',
          ],
          if: 'ctx.message != null && ctx.message != ""',
        },
      },
      { rename: { field: '_temp.byuser', target_field: 'user.name', ignore_missing: true, ignore_failure: true } },
      { rename: { field: '_temp.byuid', target_field: 'user.id', ignore_missing: true, ignore_failure: true } },
      { rename: { field: '_temp.foruser', target_field: 'user.name', ignore_missing: true, ignore_failure: true, if: 'ctx.user?.name == null || ctx.user?.name == ""' } },
      { rename: { field: '_temp.foruser', target_field: 'user.effective.name', ignore_missing: true, ignore_failure: true, if: 'ctx.user?.name != null' } },
      { remove: { field: '_temp', ignore_missing: true } },
      { convert: { field: 'system.auth.sudo.user', target_field: 'user.effective.name', type: 'string', ignore_failure: true, if: 'ctx.system?.auth?.sudo?.user != null' } },
      { convert: { field: 'system.auth.ssh.dropped_ip', target_field: 'source.ip', type: 'ip', ignore_missing: true, on_failure: [{ remove: { field: 'system.auth.ssh.dropped_ip' } }] } },
      { date: { if: 'ctx.event?.timezone == null', field: 'system.auth.timestamp', target_field: '@timestamp', formats: DATE_FORMATS, on_failure: [{ append: { field: 'error.message', value: '{{{ _ingest.on_failure_message }}}' } }] } },
      { date: { if: 'ctx.event?.timezone != null', field: 'system.auth.timestamp', target_field: '@timestamp', formats: DATE_FORMATS, timezone: '{{{ event.timezone }}}', on_failure: [{ append: { field: 'error.message', value: '{{{ _ingest.on_failure_message }}}' } }] } },
      { remove: { field: 'system.auth.timestamp' } },
      { geoip: { field: 'source.ip', target_field: 'source.geo', ignore_missing: true } },
      { geoip: { database_file: 'GeoLite2-ASN.mmdb', field: 'source.ip', target_field: 'source.as', properties: ['asn', 'organization_name'], ignore_missing: true } },
      { rename: { field: 'source.as.asn', target_field: 'source.as.number', ignore_missing: true } },
      { rename: { field: 'source.as.organization_name', target_field: 'source.as.organization.name', ignore_missing: true } },
      { set: { field: 'event.kind', value: 'event' } },
      {
        script: {
          lang: 'painless',
          if: 'ctx.system?.auth?.ssh?.event != null',
          source:
            'if (ctx.system.auth.ssh.event == "Accepted") { ctx.event.type = ["info"]; ctx.event.category = ["authentication", "session"]; ctx.event.action = "ssh_login"; ctx.event.outcome = "success"; } else if (ctx.system.auth.ssh.event == "Invalid" || ctx.system.auth.ssh.event == "Failed") { ctx.event.type = ["info"]; ctx.event.category = ["authentication"]; ctx.event.action = "ssh_login"; ctx.event.outcome = "failure"; }',
        },
      },
      { append: { field: 'related.user', value: '{{{ user.name }}}', allow_duplicates: false, if: "ctx.user?.name != null && ctx.user?.name != ''" } },
      { append: { field: 'related.user', value: '{{{ user.effective.name }}}', allow_duplicates: false, if: "ctx.user?.effective?.name != null && ctx.user?.effective?.name != ''" } },
      { append: { field: 'related.ip', value: '{{{ source.ip }}}', allow_duplicates: false, if: "ctx.source?.ip != null && ctx.source?.ip != ''" } },
      { append: { field: 'related.hosts', value: '{{{ host.hostname }}}', allow_duplicates: false, if: "ctx.host?.hostname != null && ctx.host?.hostname != ''" } },
      { set: { field: 'ecs.version', value: ecs } },
      { remove: { field: 'event.original', if: "ctx?.tags == null || !(ctx.tags.contains('preserve_original_event'))", ignore_failure: true, ignore_missing: true } },
    ],
    on_failure: onFailure,
  };
  const syslog = {
    description: 'Pipeline for parsing Syslog messages.',
    processors: [
      { set: { field: 'event.ingested', value: '{{_ingest.timestamp}}' } },
      {
        grok: {
          field: 'message',
          patterns: [
            '%{SYSLOGTIMESTAMP:system.syslog.timestamp} %{SYSLOGHOST:host.hostname} %{DATA:process.name}(?:\\[%{POSINT:process.pid:long}\\])?: %{GREEDYMULTILINE:system.syslog.message}',
            '%{SYSLOGTIMESTAMP:system.syslog.timestamp} %{GREEDYMULTILINE:system.syslog.message}',
          ],
          pattern_definitions: { GREEDYMULTILINE: '(.|\\n)*' },
          ignore_missing: true,
        },
      },
      { remove: { field: 'message' } },
      { rename: { field: 'system.syslog.message', target_field: 'message', ignore_missing: true } },
      { date: { if: 'ctx.event.timezone == null', field: 'system.syslog.timestamp', target_field: '@timestamp', formats: ['MMM  d HH:mm:ss', 'MMM dd HH:mm:ss', 'MMM d HH:mm:ss', 'ISO8601'], on_failure: [{ append: { field: 'error.message', value: '{{ _ingest.on_failure_message }}' } }] } },
      { date: { if: 'ctx.event.timezone != null', field: 'system.syslog.timestamp', target_field: '@timestamp', formats: ['MMM  d HH:mm:ss', 'MMM dd HH:mm:ss', 'MMM d HH:mm:ss', 'ISO8601'], timezone: '{{ event.timezone }}', on_failure: [{ append: { field: 'error.message', value: '{{ _ingest.on_failure_message }}' } }] } },
      { remove: { field: 'system.syslog.timestamp' } },
      { set: { field: 'event.kind', value: 'event' } },
      { append: { field: 'related.hosts', value: '{{host.hostname}}', if: 'ctx.host?.hostname != null' } },
    ],
    on_failure: onFailure,
  };
  if (flavor === '7') {
    // 7.17's module pipelines predate event.ingested and leave ecs.version to the Beat.
    const setsField = (p: object, fields: string[]) => 'set' in p && fields.includes((p.set as { field: string }).field);
    auth.processors = auth.processors.filter((p) => !setsField(p, ['event.ingested', 'ecs.version']));
    syslog.processors = syslog.processors.filter((p) => !setsField(p, ['event.ingested']));
  }
  return [
    { id: filebeatPipelineId(flavor, 'auth'), body: auth },
    { id: filebeatPipelineId(flavor, 'syslog'), body: syslog },
  ];
}
