import type { Deployment } from './deployments';
import { TAGLINE } from './flavours';
import { licenseActive, licenseAllows, XPACK_FEATURE_LEVELS } from './license';

/**
 * Cluster-level answers (`GET /`, `_cluster/health`, `_nodes`, `_license`, `_xpack`) shaped like a
 * one-node Elastic Cloud deployment of the flavour's release.
 */

export function rootInfo(d: Deployment): Record<string, unknown> {
  const i = d.info;
  return {
    name: d.nodeName,
    cluster_name: d.clusterName,
    cluster_uuid: d.clusterUuid,
    version: {
      number: i.version,
      build_flavor: 'default',
      build_type: 'docker',
      build_hash: i.buildHash,
      build_date: i.buildDate,
      build_snapshot: false,
      lucene_version: i.luceneVersion,
      minimum_wire_compatibility_version: i.minimumWireCompatibilityVersion,
      minimum_index_compatibility_version: i.minimumIndexCompatibilityVersion,
    },
    tagline: TAGLINE,
  };
}

export function clusterHealth(d: Deployment, shards: number): Record<string, unknown> {
  return {
    cluster_name: d.clusterName,
    status: 'green',
    timed_out: false,
    number_of_nodes: 1,
    number_of_data_nodes: 1,
    active_primary_shards: shards,
    active_shards: shards,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: 100.0,
  };
}

const MACHINE_MEMORY = 4_294_967_296;
const HEAP = 1_073_741_824;

export const NODE_INFO_METRICS = ['settings', 'os', 'process', 'jvm', 'thread_pool', 'transport', 'http', 'plugins', 'modules', 'ingest', 'aggregations', 'indices'] as const;

const INGEST_PROCESSORS = [
  'append', 'bytes', 'circle', 'community_id', 'convert', 'csv', 'date', 'date_index_name', 'dissect', 'dot_expander', 'drop',
  'enrich', 'fail', 'fingerprint', 'foreach', 'geo_grid', 'geoip', 'grok', 'gsub', 'html_strip', 'inference', 'join', 'json',
  'kv', 'lowercase', 'network_direction', 'pipeline', 'redact', 'registered_domain', 'remove', 'rename', 'reroute', 'script',
  'set', 'set_security_user', 'sort', 'split', 'terminate', 'trim', 'uppercase', 'uri_parts', 'urldecode', 'user_agent',
];

function nodeRoles(d: Deployment): string[] {
  const roles = d.flavor !== '7'
    ? ['data_content', 'data_hot', 'ingest', 'master', 'ml', 'remote_cluster_client', 'transform']
    : ['data', 'data_cold', 'data_content', 'data_frozen', 'data_hot', 'data_warm', 'ingest', 'master', 'ml', 'remote_cluster_client', 'transform'];
  // The ML feature's control route can take the ML node away (`PUT /_practice/deployments/{id}/ml`).
  const ml = d.features.get('ml') as { mlNodes?: boolean } | undefined;
  return ml?.mlNodes === false ? roles.filter((role) => role !== 'ml') : roles;
}

function nodeAttributes(d: Deployment): Record<string, string> {
  const common = {
    'ml.machine_memory': String(MACHINE_MEMORY),
    'ml.max_jvm_size': String(HEAP),
    'xpack.installed': 'true',
    logical_availability_zone: 'zone-0',
    availability_zone: 'practice-zone-a',
    region: 'practice-local',
    instance_configuration: 'practice.es.datahot.default',
    server_name: `${d.nodeName}.${d.clusterName}`,
    data: 'hot',
  };
  return d.flavor !== '7'
    ? { ...common, 'ml.allocated_processors': '2', 'ml.allocated_processors_double': '2.0', 'ml.config_version': '12.0.0', 'transform.config_version': '10.0.0' }
    : { ...common, 'ml.max_open_jobs': '512', 'transform.node': 'true' };
}

export function nodesInfo(d: Deployment, metrics: readonly string[] | null): Record<string, unknown> {
  const i = d.info;
  const node: Record<string, unknown> = {
    name: d.nodeName,
    transport_address: '127.0.0.1:9300',
    host: '127.0.0.1',
    ip: '127.0.0.1',
    version: i.version,
    build_flavor: 'default',
    build_type: 'docker',
    build_hash: i.buildHash,
    total_indexing_buffer: 107_374_182,
    roles: nodeRoles(d),
    attributes: nodeAttributes(d),
  };
  if (i.transportVersion !== undefined) node.transport_version = i.transportVersion;
  if (i.indexVersion !== undefined) node.index_version = i.indexVersion;
  if (d.flavor === '8') node.component_versions = { transform_config_version: 10_000_099, ml_config_version: 12_000_099 };
  const sections: Record<string, unknown> = {
    settings: {
      cluster: { name: d.clusterName },
      node: { name: d.nodeName, attr: nodeAttributes(d), roles: nodeRoles(d) },
      path: { logs: '/app/logs', home: '/usr/share/elasticsearch' },
      xpack: { security: { enabled: 'true' }, ml: { enabled: 'true' }, watcher: { enabled: 'true' } },
      http: { type: 'security4' },
    },
    os: { refresh_interval_in_millis: 1000, name: 'Linux', pretty_name: 'Ubuntu 20.04.6 LTS', arch: 'amd64', version: '5.15.0-1061-aws', available_processors: 2, allocated_processors: 2 },
    process: { refresh_interval_in_millis: 1000, id: 7, mlockall: false },
    jvm: {
      pid: 7,
      version: i.jvmVersion,
      vm_name: 'OpenJDK 64-Bit Server VM',
      vm_vendor: 'Oracle Corporation',
      bundled_jdk: true,
      using_bundled_jdk: true,
      start_time_in_millis: d.createdAt,
      mem: { heap_init_in_bytes: HEAP, heap_max_in_bytes: HEAP, non_heap_init_in_bytes: 7_667_712, non_heap_max_in_bytes: 0, direct_max_in_bytes: 0 },
      gc_collectors: ['G1 Young Generation', 'G1 Concurrent GC', 'G1 Old Generation'],
      memory_pools: ['CodeHeap \'non-nmethods\'', 'Metaspace', 'CodeHeap \'profiled nmethods\'', 'Compressed Class Space', 'G1 Eden Space', 'G1 Old Gen', 'G1 Survivor Space', 'CodeHeap \'non-profiled nmethods\''],
      using_compressed_ordinary_object_pointers: 'true',
      input_arguments: ['-Xms1g', '-Xmx1g'],
    },
    thread_pool: {
      search: { type: 'fixed', size: 4, queue_size: 1000 },
      write: { type: 'fixed', size: 2, queue_size: 10000 },
      ml_job_comms: { type: 'scaling', core: 4, max: 2048, keep_alive: '1m', queue_size: -1 },
      watcher: { type: 'fixed', size: 10, queue_size: 1000 },
    },
    transport: { bound_address: ['127.0.0.1:9300'], publish_address: '127.0.0.1:9300', profiles: {} },
    http: { bound_address: ['127.0.0.1:9200'], publish_address: '127.0.0.1:9200', max_content_length_in_bytes: 104_857_600 },
    plugins: [],
    modules: ['aggregations', 'analysis-common', 'data-streams', 'ingest-common', 'ingest-geoip', 'lang-painless', 'x-pack-core', 'x-pack-ml', 'x-pack-security', 'x-pack-watcher'].map((name) => ({
      name,
      version: i.version,
      elasticsearch_version: i.version,
      java_version: '17',
      description: name,
      classname: '',
      extended_plugins: [],
      has_native_controller: name === 'x-pack-ml',
      licensed: name.startsWith('x-pack'),
    })),
    ingest: { processors: INGEST_PROCESSORS.map((type) => ({ type })) },
    aggregations: {},
    indices: { total_indexing_buffer_in_bytes: 107_374_182 },
  };
  for (const metric of NODE_INFO_METRICS) {
    if (metrics === null || metrics.includes(metric) || metrics.includes('_all')) node[metric] = sections[metric];
  }
  return { _nodes: { total: 1, successful: 1, failed: 0 }, cluster_name: d.clusterName, nodes: { [d.nodeId]: node } };
}

export function nodesStats(d: Deployment, now: number, docs: number, storeBytes: number, heapUsed: number): Record<string, unknown> {
  const heapPct = Math.min(95, Math.round((heapUsed / HEAP) * 100));
  return {
    _nodes: { total: 1, successful: 1, failed: 0 },
    cluster_name: d.clusterName,
    nodes: {
      [d.nodeId]: {
        timestamp: now,
        name: d.nodeName,
        transport_address: '127.0.0.1:9300',
        host: '127.0.0.1',
        ip: '127.0.0.1:9300',
        roles: nodeRoles(d),
        attributes: nodeAttributes(d),
        indices: { docs: { count: docs, deleted: 0 }, store: { size_in_bytes: storeBytes, reserved_in_bytes: 0 } },
        os: { timestamp: now, cpu: { percent: 4, load_average: { '1m': 0.12, '5m': 0.1, '15m': 0.09 } }, mem: { total_in_bytes: MACHINE_MEMORY, free_in_bytes: 1_288_490_188, used_in_bytes: 3_006_477_108, free_percent: 30, used_percent: 70 } },
        process: { timestamp: now, open_file_descriptors: 612, max_file_descriptors: 1_048_576, cpu: { percent: 2, total_in_millis: Math.max(0, now - d.createdAt) / 50 } },
        jvm: { timestamp: now, uptime_in_millis: Math.max(0, now - d.createdAt), mem: { heap_used_in_bytes: heapUsed, heap_used_percent: heapPct, heap_committed_in_bytes: HEAP, heap_max_in_bytes: HEAP } },
        fs: { timestamp: now, total: { total_in_bytes: 128_849_018_880, free_in_bytes: 128_849_018_880 - storeBytes, available_in_bytes: 128_849_018_880 - storeBytes } },
      },
    },
  };
}

export function licenseBody(d: Deployment, now: number): Record<string, unknown> {
  const l = d.license;
  const body: Record<string, unknown> = {
    status: licenseActive(l, now) ? 'active' : 'expired',
    uid: l.uid,
    type: l.type,
    issue_date: new Date(l.issuedAt).toISOString(),
    issue_date_in_millis: l.issuedAt,
  };
  if (l.expiresAt !== null) {
    body.expiry_date = new Date(l.expiresAt).toISOString();
    body.expiry_date_in_millis = l.expiresAt;
  }
  body.max_nodes = 1000;
  body.max_resource_units = null;
  body.issued_to = d.clusterName;
  body.issuer = 'elasticsearch';
  body.start_date_in_millis = -1;
  return { license: body };
}

/** `available` is what the licence allows now, by the same rule the features' routes apply. */
export function xpackInfo(d: Deployment, categories: string[] | null, now: number): Record<string, unknown> {
  const names = ['aggregate_metric', 'analytics', 'ccr', 'data_streams', 'data_tiers', 'enrich', 'eql', 'frozen_indices', 'graph', 'ilm', 'logstash', 'ml', 'monitoring', 'rollup', 'searchable_snapshots', 'security', 'slm', 'spatial', 'sql', 'transform', 'voting_only', 'watcher'];
  const features: Record<string, unknown> = {};
  for (const name of names) {
    features[name] = { available: licenseAllows(d.license, XPACK_FEATURE_LEVELS[name] ?? 'basic', now), enabled: true };
  }
  const all = {
    build: { hash: d.info.buildHash, date: d.info.buildDate },
    license: { uid: d.license.uid, type: d.license.type, mode: d.license.type, status: licenseActive(d.license, now) ? 'active' : 'expired', ...(d.license.expiresAt !== null ? { expiry_date_in_millis: d.license.expiresAt } : {}) },
    features,
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) if (categories === null || categories.includes(key)) out[key] = value;
  out.tagline = 'You know, for X';
  return out;
}
