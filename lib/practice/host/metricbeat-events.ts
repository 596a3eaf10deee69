import type { Flavor } from '../engine/api';
import type { HostIdentity } from './identity';
import type { LoadModel } from './load-model';
import { noise, round, smoothNoise } from './noise';

/**
 * Metricbeat `system` module events as the default modules.d/system.yml produces them: cpu, load,
 * memory, network (one event per interface) and process_summary every 10 s, filesystem and fsstat
 * every minute, uptime every 15 minutes. Field names, nesting and value types follow the module's
 * published sample events (fixtures/metricbeat/*.json) and its fields.yml.
 *
 * Every value is a pure function of the host and the time, so the backfilled hour and the live
 * stream agree and cumulative counters (CPU ticks, network bytes) only ever grow.
 */

export const METRICBEAT_PERIOD_MS = 10_000;
const MINUTE = 60_000;
const DAY = 86_400_000;

export type Metricset = 'cpu' | 'load' | 'memory' | 'network' | 'process_summary' | 'filesystem' | 'fsstat' | 'uptime';

export interface MetricEvent {
  metricset: Metricset;
  /** The event without the envelope (agent, ecs, host), which the host adds. */
  doc: Record<string, unknown>;
}

export interface MetricContext {
  identity: HostIdentity;
  flavor: Flavor;
  load: LoadModel;
}

/** Which metricsets fire at a slot (a multiple of the 10 s period). */
export function metricsetsAt(slot: number): Metricset[] {
  const sets: Metricset[] = ['cpu', 'load', 'memory', 'network', 'process_summary'];
  if (slot % MINUTE === 0) sets.push('filesystem', 'fsstat');
  if (slot % (15 * MINUTE) === 0) sets.push('uptime');
  return sets;
}

/** 0 at 04:00 UTC, 1 at 16:00 UTC: the daily rhythm of a machine people work on. */
function daylight(t: number): number {
  const hours = (t % DAY) / 3_600_000;
  return 0.5 - 0.5 * Math.cos((2 * Math.PI * (hours - 4)) / 24);
}

/** Normalised CPU use (0..1) of the machine's own work, without the lab's `dd` load. */
function baseCpu(seed: number, t: number): number {
  let cpu = 0.03 + 0.08 * daylight(t) + 0.05 * smoothNoise(seed, t, 5 * MINUTE, 1) + 0.02 * noise(seed, t / METRICBEAT_PERIOD_MS, 2);
  // Occasional short bursts (apt, log rotation, a build).
  if (noise(seed, t / MINUTE, 3) > 0.97) cpu += 0.12 + 0.2 * noise(seed, t / METRICBEAT_PERIOD_MS, 4);
  return Math.min(0.95, cpu);
}

/** How the machine's own CPU time splits across states (shares of its non-idle time). */
const STATE_SHARES = { user: 0.6, system: 0.25, iowait: 0.07, softirq: 0.03, irq: 0.005, nice: 0.01, steal: 0.035 } as const;
/** Long-run average of baseCpu, for the cumulative tick counters. */
const AVERAGE_BASE_CPU = 0.085;
/** `dd if=/dev/zero of=/dev/null` spends most of its time in the kernel copying pages. */
const DD_USER_SHARE = 0.28;

interface CpuState {
  norm: Record<keyof typeof STATE_SHARES | 'idle', number>;
  ticks: Record<keyof typeof STATE_SHARES | 'idle', number>;
  totalNorm: number;
}

function cpuState(ctx: MetricContext, t: number): CpuState {
  const { identity, load } = ctx;
  const cores = identity.cores;
  const busyFrac = load.busyCores(t) / cores;
  const base = baseCpu(identity.seed, t) * (1 - busyFrac);
  const norm = {
    user: base * STATE_SHARES.user + busyFrac * DD_USER_SHARE,
    system: base * STATE_SHARES.system + busyFrac * (1 - DD_USER_SHARE),
    iowait: base * STATE_SHARES.iowait,
    softirq: base * STATE_SHARES.softirq,
    irq: base * STATE_SHARES.irq,
    nice: base * STATE_SHARES.nice,
    steal: base * STATE_SHARES.steal,
    idle: 0,
  };
  norm.idle = Math.max(0, 1 - norm.user - norm.system - norm.iowait - norm.softirq - norm.irq - norm.nice - norm.steal);

  // Jiffies (USER_HZ = 100) since boot: the machine's own share of the non-dd time plus dd's time.
  const elapsedCoreMs = Math.max(0, t - identity.bootTime) * cores;
  const busyCoreMs = load.busyCoreMs(t);
  const ownCoreMs = Math.max(0, elapsedCoreMs - busyCoreMs);
  const share = (s: keyof typeof STATE_SHARES) => Math.floor((ownCoreMs * AVERAGE_BASE_CPU * STATE_SHARES[s]) / 10);
  const ticks = {
    user: share('user') + Math.floor((busyCoreMs * DD_USER_SHARE) / 10),
    system: share('system') + Math.floor((busyCoreMs * (1 - DD_USER_SHARE)) / 10),
    iowait: share('iowait'),
    softirq: share('softirq'),
    irq: share('irq'),
    nice: share('nice'),
    steal: share('steal'),
    idle: 0,
  };
  ticks.idle = Math.floor(elapsedCoreMs / 10) - ticks.user - ticks.system - ticks.iowait - ticks.softirq - ticks.irq - ticks.nice - ticks.steal;
  // Metricbeat: total = time in states other than idle and iowait.
  return { norm, ticks, totalNorm: Math.max(0, 1 - norm.idle - norm.iowait) };
}

function cpuEvent(ctx: MetricContext, t: number): Record<string, unknown> {
  const cores = ctx.identity.cores;
  const s = cpuState(ctx, t);
  const stateDoc = (name: keyof CpuState['norm']) => ({
    pct: round(s.norm[name] * cores, 4),
    norm: { pct: round(s.norm[name], 4) },
    ticks: s.ticks[name],
  });
  const totalNorm = round(s.totalNorm, 4);
  const hostCpu: Record<string, unknown> = { pct: totalNorm };
  if (ctx.flavor !== '7') hostCpu.usage = totalNorm;
  return {
    host: { cpu: hostCpu },
    system: {
      cpu: {
        cores,
        user: stateDoc('user'),
        system: stateDoc('system'),
        nice: stateDoc('nice'),
        idle: stateDoc('idle'),
        iowait: stateDoc('iowait'),
        irq: stateDoc('irq'),
        softirq: stateDoc('softirq'),
        steal: stateDoc('steal'),
        total: { pct: round(s.totalNorm * cores, 4), norm: { pct: totalNorm } },
      },
    },
  };
}

function loadEvent(ctx: MetricContext, t: number): Record<string, unknown> {
  const { identity, load } = ctx;
  const cores = identity.cores;
  const seed = identity.seed;
  // Run-queue length follows CPU use; longer averages follow a smoothed version of it.
  const runnable = (period: number, channel: number) =>
    cores * (0.04 + 0.09 * daylight(t) + 0.06 * smoothNoise(seed, t, period, channel)) * 1.15;
  const l1 = runnable(MINUTE, 11) + load.loadResponse(t, MINUTE);
  const l5 = runnable(5 * MINUTE, 12) + load.loadResponse(t, 5 * MINUTE);
  const l15 = runnable(15 * MINUTE, 13) + load.loadResponse(t, 15 * MINUTE);
  return {
    system: {
      load: {
        '1': round(l1, 2),
        '5': round(l5, 2),
        '15': round(l15, 2),
        norm: { '1': round(l1 / cores, 4), '5': round(l5 / cores, 4), '15': round(l15 / cores, 4) },
        cores,
      },
    },
  };
}

/** A monotone cumulative counter: rate `r` per second with a daily swing, plus bounded jitter. */
function counter(seed: number, channel: number, ratePerSec: number, sinceBootMs: number): number {
  const s = sinceBootMs / 1000;
  const omega = (2 * Math.PI) / 86_400;
  const smooth = ratePerSec * (s + (0.5 * (1 - Math.cos(omega * s))) / omega);
  // The jitter is smaller than the least growth over one period (0.5·r·10 s), so it never decreases.
  const jitter = ratePerSec * 10 * 0.4 * noise(seed, Math.floor(sinceBootMs / METRICBEAT_PERIOD_MS), channel);
  return Math.floor(smooth + jitter);
}

function memoryEvent(ctx: MetricContext, t: number): Record<string, unknown> {
  const { identity, load } = ctx;
  const seed = identity.seed;
  const total = identity.memoryTotal;
  const sinceBoot = Math.max(0, t - identity.bootTime);
  const busyFrac = load.busyCores(t) / identity.cores;
  const actualPct = Math.min(
    0.92,
    0.3 + 0.05 * Math.sin((2 * Math.PI * sinceBoot) / (7 * 3_600_000)) + 0.04 * smoothNoise(seed, t, 10 * MINUTE, 21) + 0.01 * busyFrac,
  );
  const cachedPct = 0.26 + 0.06 * smoothNoise(seed, t, 30 * MINUTE, 22);
  const buffersPct = 0.025;
  const actualUsed = Math.round(total * actualPct);
  const used = Math.min(total - 50_000_000, actualUsed + Math.round(total * (cachedPct + buffersPct)));
  const free = total - used;
  const swapUsed = 12_582_912 + Math.round(4_194_304 * smoothNoise(seed, t, 2 * 3_600_000, 23));
  const sec = sinceBoot / 1000;
  const pgscanKswapd = Math.floor(sec * 11.3);
  const pgstealKswapd = Math.floor(sec * 8.1);
  const pgscanDirect = Math.floor(sec * 0.62);
  const pgstealDirect = Math.floor(sec * 0.61);
  return {
    system: {
      memory: {
        total,
        used: { bytes: used, pct: round(used / total, 4) },
        free,
        cached: Math.round(total * cachedPct),
        actual: { free: total - actualUsed, used: { bytes: actualUsed, pct: round(actualPct, 4) } },
        swap: {
          total: identity.swapTotal,
          used: { bytes: swapUsed, pct: round(swapUsed / identity.swapTotal, 4) },
          free: identity.swapTotal - swapUsed,
          in: { pages: Math.floor(sec * 0.004) },
          out: { pages: Math.floor(sec * 0.05) },
          readahead: { cached: Math.floor(sec * 0.00005), pages: Math.floor(sec * 0.0002) },
        },
        hugepages: {
          default_size: 2_097_152,
          free: 0,
          reserved: 0,
          surplus: 0,
          swap: { out: { fallback: 0, pages: 0 } },
          total: 0,
          used: { bytes: 0, pct: 0 },
        },
        page_stats: {
          direct_efficiency: { pct: round(pgstealDirect / Math.max(1, pgscanDirect), 4) },
          kswapd_efficiency: { pct: round(pgstealKswapd / Math.max(1, pgscanKswapd), 4) },
          pgfree: { pages: Math.floor(sec * 1_850) },
          pgscan_direct: { pages: pgscanDirect },
          pgscan_kswapd: { pages: pgscanKswapd },
          pgsteal_direct: { pages: pgstealDirect },
          pgsteal_kswapd: { pages: pgstealKswapd },
        },
      },
    },
  };
}

interface InterfaceProfile {
  name: string;
  inRate: number;
  outRate: number;
  inPacketSize: number;
  outPacketSize: number;
  channel: number;
}

const INTERFACES: readonly InterfaceProfile[] = [
  { name: 'lo', inRate: 420, outRate: 420, inPacketSize: 280, outPacketSize: 280, channel: 31 },
  { name: 'eth0', inRate: 2_300, outRate: 1_250, inPacketSize: 640, outPacketSize: 390, channel: 35 },
];

export const NETWORK_INTERFACES = INTERFACES.map((i) => i.name);

function interfaceCounters(seed: number, iface: InterfaceProfile, sinceBoot: number) {
  const inBytes = counter(seed, iface.channel, iface.inRate, sinceBoot);
  const outBytes = iface.name === 'lo' ? inBytes : counter(seed, iface.channel + 1, iface.outRate, sinceBoot);
  return {
    inBytes,
    outBytes,
    inPackets: Math.floor(inBytes / iface.inPacketSize),
    outPackets: Math.floor(outBytes / iface.outPacketSize),
  };
}

function networkEvents(ctx: MetricContext, t: number): Record<string, unknown>[] {
  const { identity, flavor } = ctx;
  const sinceBoot = Math.max(0, t - identity.bootTime);
  return INTERFACES.map((iface) => {
    const now = interfaceCounters(identity.seed, iface, sinceBoot);
    const before = interfaceCounters(identity.seed, iface, Math.max(0, sinceBoot - METRICBEAT_PERIOD_MS));
    // Per-period deltas that Kibana's inventory sums across interfaces (renamed in 8.0).
    const hostNetwork =
      flavor !== '7'
        ? {
            ingress: { bytes: now.inBytes - before.inBytes, packets: now.inPackets - before.inPackets },
            egress: { bytes: now.outBytes - before.outBytes, packets: now.outPackets - before.outPackets },
          }
        : {
            in: { bytes: now.inBytes - before.inBytes, packets: now.inPackets - before.inPackets },
            out: { bytes: now.outBytes - before.outBytes, packets: now.outPackets - before.outPackets },
          };
    return {
      host: { network: hostNetwork },
      system: {
        network: {
          name: iface.name,
          in: { bytes: now.inBytes, packets: now.inPackets, errors: 0, dropped: iface.name === 'eth0' ? Math.floor(sinceBoot / 7_200_000) : 0 },
          out: { bytes: now.outBytes, packets: now.outPackets, errors: 0, dropped: 0 },
        },
      },
    };
  });
}

function processSummaryEvent(ctx: MetricContext, t: number): Record<string, unknown> {
  const { identity, load } = ctx;
  const busy = load.busyCores(t);
  const running = 1 + busy + (noise(identity.seed, t / METRICBEAT_PERIOD_MS, 41) > 0.8 ? 1 : 0);
  const idle = 58;
  const sleeping = 61 + Math.floor(8 * smoothNoise(identity.seed, t, 20 * MINUTE, 42));
  return {
    system: {
      process: {
        summary: { total: running + idle + sleeping, running, sleeping, idle, stopped: 0, zombie: 0, unknown: 0, dead: 0 },
      },
    },
  };
}

function diskUsed(identity: HostIdentity, t: number): number {
  // An Ubuntu cloud image after some use, growing with logs and journald.
  return 6_120_000_000 + Math.floor((Math.max(0, t - identity.bootTime) / 1000) * 18);
}

function filesystemEvent(ctx: MetricContext, t: number): Record<string, unknown> {
  const { identity, flavor } = ctx;
  const total = identity.diskTotal;
  const used = diskUsed(identity, t);
  const free = total - used;
  const available = free - Math.round(total * 0.05);
  const freeFiles = identity.inodesTotal - 231_411 - Math.floor((Math.max(0, t - identity.bootTime) / 1000) * 0.002);
  const fs: Record<string, unknown> = {
    device_name: '/dev/root',
    mount_point: '/',
    type: 'ext4',
    total,
    free,
    available,
    files: identity.inodesTotal,
    free_files: freeFiles,
    used: { bytes: used, pct: round(used / (used + available), 4) },
  };
  if (flavor !== '7') fs.options = 'rw,relatime,discard,errors=remount-ro';
  return { system: { filesystem: fs } };
}

function fsstatEvent(ctx: MetricContext, t: number): Record<string, unknown> {
  const { identity } = ctx;
  const used = diskUsed(identity, t);
  return {
    system: {
      fsstat: {
        count: 1,
        total_files: identity.inodesTotal,
        total_size: { total: identity.diskTotal, used, free: identity.diskTotal - used },
      },
    },
  };
}

function uptimeEvent(ctx: MetricContext, t: number): Record<string, unknown> {
  return { system: { uptime: { duration: { ms: Math.max(0, t - ctx.identity.bootTime) } } } };
}

/** The events one collection slot produces, without envelope and without `@timestamp`. */
export function metricEventsAt(ctx: MetricContext, slot: number): MetricEvent[] {
  const out: MetricEvent[] = [];
  for (const metricset of metricsetsAt(slot)) {
    switch (metricset) {
      case 'cpu':
        out.push({ metricset, doc: cpuEvent(ctx, slot) });
        break;
      case 'load':
        out.push({ metricset, doc: loadEvent(ctx, slot) });
        break;
      case 'memory':
        out.push({ metricset, doc: memoryEvent(ctx, slot) });
        break;
      case 'network':
        for (const doc of networkEvents(ctx, slot)) out.push({ metricset, doc });
        break;
      case 'process_summary':
        out.push({ metricset, doc: processSummaryEvent(ctx, slot) });
        break;
      case 'filesystem':
        out.push({ metricset, doc: filesystemEvent(ctx, slot) });
        break;
      case 'fsstat':
        out.push({ metricset, doc: fsstatEvent(ctx, slot) });
        break;
      case 'uptime':
        out.push({ metricset, doc: uptimeEvent(ctx, slot) });
        break;
    }
  }
  return out;
}

/** `event.duration` in nanoseconds: how long the metricset's fetch took. */
export function fetchDurationNs(seed: number, slot: number, index: number): number {
  return 60_000 + Math.floor(noise(seed, slot / METRICBEAT_PERIOD_MS, 50 + index) * 900_000);
}

/** Period of a metricset in ms (the `metricset.period` field). */
export function metricsetPeriod(metricset: Metricset): number {
  if (metricset === 'filesystem' || metricset === 'fsstat') return MINUTE;
  if (metricset === 'uptime') return 15 * MINUTE;
  return METRICBEAT_PERIOD_MS;
}
