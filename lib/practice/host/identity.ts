import type { Flavor } from '../engine/api';
import { flavourInfo } from '../flavours';
import { METRICBEAT_PERIOD_MS } from './metricbeat-events';
import { hashString, SeededRandom } from './noise';

/**
 * Who the simulated lab host is: the VM an attendee would have SSHed into. Everything here is fixed
 * for the deployment's life and derived from its id, so a restarted test sees the same host.
 */
export interface HostIdentity {
  seed: number;
  hostname: string;
  cores: number;
  memoryTotal: number;
  swapTotal: number;
  diskTotal: number;
  inodesTotal: number;
  /** `/etc/machine-id`, which add_host_metadata reports as `host.id`. */
  machineId: string;
  bootTime: number;
  ip: string[];
  mac: string[];
  /**
   * Millisecond phase of the host's 10-second collection ticks, anywhere in the period as a real
   * Beat's (its period counts from when it started, not from the clock's second). Spread over the
   * whole period, a practice cluster with hundreds of hosts collects a tenth of them each second
   * instead of all of them in the same second.
   */
  phaseMs: number;
  /** The Ubuntu user the attendee logs in as (sudo lines, the morning's SSH session). */
  loginUser: string;
  /** Where the attendee's own SSH session came from (a public address: the lab is on the internet). */
  adminIp: string;
}

const PRIVATE_OR_RESERVED: readonly [number, number, number][] = [
  // [first octet, second-octet min, second-octet max] blocks that are never "the internet"
  [0, 0, 255],
  [10, 0, 255],
  [100, 64, 127],
  [127, 0, 255],
  [169, 254, 254],
  [172, 16, 31],
  [192, 168, 168],
  [198, 18, 19],
];

/** True for addresses an attacker on the internet could plausibly have (no private, reserved, documentation or multicast ranges). */
export function isPublicIpv4(ip: string): boolean {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return false;
  const [a = 0, b = 0, c = 0] = parts;
  if (a >= 224) return false;
  if (PRIVATE_OR_RESERVED.some(([first, min, max]) => a === first && b >= min && b <= max)) return false;
  // 192.0.0.0/24, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 192.88.99.0/24
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return false;
  if (a === 198 && b === 51 && c === 100) return false;
  if (a === 203 && b === 0 && c === 113) return false;
  if (a === 192 && b === 88 && c === 99) return false;
  return true;
}

export function randomPublicIpv4(random: SeededRandom): string {
  for (;;) {
    const ip = [random.int(1, 223), random.int(0, 255), random.int(0, 255), random.int(1, 254)].join('.');
    if (isPublicIpv4(ip)) return ip;
  }
}

function hex(random: SeededRandom, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += '0123456789abcdef'[random.int(0, 15)];
  return out;
}

/** A UUID v4 string from the seeded generator (Beats' agent ids are UUIDs). */
export function seededUuid(random: SeededRandom): string {
  const h = hex(random, 32).split('');
  h[12] = '4';
  h[16] = '89ab'[random.int(0, 3)] ?? '8';
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function createHostIdentity(deploymentId: string, createdAt: number): HostIdentity {
  const seed = hashString(deploymentId);
  const random = new SeededRandom(seed);
  const octet = random.int(2, 250);
  const mac = Array.from({ length: 6 }, (_, i) => (i === 0 ? '02' : hex(random, 2)).toUpperCase()).join('-');
  return {
    seed,
    hostname: `lab-vm-${deploymentId.slice(0, 6).toLowerCase()}`,
    cores: 2,
    memoryTotal: 4_102_549_504,
    swapTotal: 2_147_479_552,
    diskTotal: 31_036_686_336,
    inodesTotal: 3_870_720,
    machineId: hex(random, 32),
    // The VM booted a few days before the deployment was created.
    bootTime: createdAt - random.int(2 * 86_400_000, 9 * 86_400_000),
    ip: [`10.0.1.${octet}`, `fe80::${hex(random, 4)}:${hex(random, 4)}:${hex(random, 4)}:${hex(random, 4)}`],
    mac: [mac],
    phaseMs: random.int(100, METRICBEAT_PERIOD_MS - 100),
    loginUser: 'ubuntu',
    adminIp: randomPublicIpv4(random),
  };
}

export const HOST_OS = {
  type: 'linux',
  platform: 'ubuntu',
  name: 'Ubuntu',
  family: 'debian',
  version: '22.04.4 LTS (Jammy Jellyfish)',
  codename: 'jammy',
  kernel: '5.15.0-1061-aws',
} as const;

/** Per start of a Beat: its persistent id (kept in the data dir) and its per-process ephemeral id. */
export interface BeatRun {
  id: string;
  ephemeralId: string;
}

/**
 * The fields every shipped event carries (`agent.*`, `ecs.version`, `host.*` from
 * add_host_metadata). 8.x Beats dropped `agent.hostname`, but the published samples in fixtures/
 * still carry it, so both flavours keep it to stay comparable with them.
 */
export function beatEnvelope(
  identity: HostIdentity,
  flavor: Flavor,
  beat: 'metricbeat' | 'filebeat',
  run: BeatRun,
): { agent: Record<string, unknown>; ecs: Record<string, unknown>; host: Record<string, unknown> } {
  const info = flavourInfo(flavor);
  const host: Record<string, unknown> = {
    name: identity.hostname,
    hostname: identity.hostname,
    architecture: 'x86_64',
    os: { ...HOST_OS },
    id: identity.machineId,
    containerized: false,
  };
  // add_host_metadata reports addresses by default only from 8.0 (netinfo.enabled became true).
  if (flavor !== '7') {
    host.ip = [...identity.ip];
    host.mac = [...identity.mac];
  }
  return {
    agent: {
      type: beat,
      version: info.version,
      hostname: identity.hostname,
      name: identity.hostname,
      id: run.id,
      ephemeral_id: run.ephemeralId,
    },
    ecs: { version: info.beatsEcsVersion },
    host,
  };
}
