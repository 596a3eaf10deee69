// Benchmark (not a test): `npm run bench:board -- --attendees 500`.
//
// What one poll of the class board (`GET /api/workshops/{id}/progress`) and of presenter mode's
// counts (`GET /api/workshops/{id}/counts`) cost the app for a big class, measured in-process on
// the service functions the routes call (session check and Next's request handling excluded):
// wall time, main-thread CPU, SQL statements, rows read and response bytes. Between polls a
// share of the class changes as in a real class (a few checkpoints turn done or error, some
// attendees are seen, connections report their status), so a view kept between polls has
// something to catch up with.
//
// Storage: PostgreSQL when DATABASE_URL points to an empty database (or TEST_DATABASE_URL to an
// account that may create one: a database is created and dropped), else the embedded PGlite in
// memory. Flags: --attendees N (500) --polls K (40) --changes C (10 attendees change per poll)
//   --board-ms 3000 (the board page's interval: the simulated time between polls)
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'drizzle-orm';
import { Client } from 'pg';
import { allCheckpointIds } from '@/content/chapters';
import { buildProgress } from '@/lib/board/progress-view';
import { automaticCheckpoints, workshopCounts, workshopProgressJson } from '@/lib/board/service';
import { DEFAULT_FAILURE_WINDOW_MS } from '@/lib/board/stuck';
import { ClusterClientCache } from '@/lib/cluster/cache';
import { EndpointPolicy } from '@/lib/cluster/endpoint-policy';
import { createDb, type DbHandle } from '@/lib/db/client';
import { getWorkshopProgress } from '@/lib/db/repositories/board';
import { recordResult } from '@/lib/db/repositories/checkpoint-results';
import { listConnectAttempts } from '@/lib/db/repositories/class-board';
import { recordConnectionStatus } from '@/lib/db/repositories/connections';
import { touchParticipants } from '@/lib/db/repositories/participants';
import { checkpointResults, clusterConnections, events, participants, workshops } from '@/lib/db/schema';
import { parseServerEnv } from '@/lib/env';
import type { AppContext } from '@/lib/server/context';
import { ownedWorkshop, workshopDto } from '@/lib/workshops';
import { pct } from './support/stats';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`);
  return n;
}

const ATTENDEES = flag('attendees', 500);
const POLLS = flag('polls', 40);
const CHANGES = flag('changes', 10);
const BOARD_MS = flag('board-ms', 3_000);

async function openDatabase(logger: Logger): Promise<{ handle: DbHandle; label: string; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (url) return { handle: await createDb({ databaseUrl: url, logger }), label: 'PostgreSQL (DATABASE_URL)', drop: async () => undefined };
  const admin = process.env.TEST_DATABASE_URL;
  if (admin) {
    const name = `bench_board_${randomBytes(4).toString('hex')}`;
    const run = async (sql: string) => {
      const client = new Client({ connectionString: admin });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await run(`create database "${name}"`);
    const target = new URL(admin);
    target.pathname = `/${name}`;
    const handle = await createDb({ databaseUrl: target.toString(), logger });
    return { handle, label: `PostgreSQL (${name}, dropped afterwards)`, drop: () => handle.close().then(() => run(`drop database if exists "${name}" with (force)`)) };
  }
  return { handle: await createDb({ dataDir: 'memory://', logger }), label: 'PGlite in memory', drop: async () => undefined };
}

async function main(): Promise<void> {
  const statements: string[] = [];
  let counting = false;
  const logger: Logger = { logQuery: (query) => void (counting && statements.push(query)) };
  const { handle, label, drop } = await openDatabase(logger);
  const db = handle.db;
  const ctx = {
    env: parseServerEnv({}),
    db,
    secrets: { authSecret: 'x'.repeat(32), credentialsKey: Buffer.alloc(32) },
    policy: new EndpointPolicy({ allowList: [], practiceUrls: [] }),
    clients: new ClusterClientCache(),
    practiceUrl: null,
  } as unknown as AppContext;

  try {
    // ----- a class of N attendees, each connected, with a spread of progress over the 17 checkpoints
    const seedStarted = performance.now();
    const [teacher] = await db.insert(participants).values({ displayName: 'Teacher', role: 'instructor' }).returning();
    const [workshop] = await db.insert(workshops).values({ name: 'Board bench', code: randomBytes(4).toString('hex').toUpperCase(), createdBy: teacher!.id, clusterMode: 'practice' }).returning();
    const people = Array.from({ length: ATTENDEES }, (_, i) => ({
      id: randomUUID(),
      displayName: `Attendee ${String(i + 1).padStart(3, '0')}`,
      role: 'attendee' as const,
      workshopId: workshop!.id,
      currentChapter: (i % 5) + 1,
      createdAt: new Date(Date.now() - 3_600_000 + i * 1000),
    }));
    for (let i = 0; i < people.length; i += 500) await db.insert(participants).values(people.slice(i, i + 500));
    const connections = people.map((p, i) => ({
      participantId: p.id,
      kind: 'practice' as const,
      endpoint: 'http://127.0.0.1:9200',
      authType: 'basic' as const,
      encryptedCredentials: 'v1.bench',
      practiceDeploymentId: `dep-${i}`,
      lastStatus: { version: '8.15.0', clusterName: `practice-${i}`, health: 'green' as const },
      lastStatusAt: new Date(),
    }));
    for (let i = 0; i < connections.length; i += 500) await db.insert(clusterConnections).values(connections.slice(i, i + 500));
    const results = people.flatMap((p, i) => {
      const reached = (i % 5) + 1;
      return allCheckpointIds.map((checkpointId, k) => {
        const chapterOfK = k < 4 ? 1 : k < 6 ? 2 : k < 9 ? 3 : k < 13 ? 4 : 5;
        const state = chapterOfK < reached ? 'done' : chapterOfK === reached ? (k % 3 === 0 ? 'error' : 'pending') : 'pending';
        return {
          participantId: p.id,
          checkpointId,
          state: state as 'done' | 'error' | 'pending',
          detail: state === 'done' ? `detail of ${checkpointId}` : null,
          errorCode: state === 'error' ? 'index_missing' : null,
          firstDoneAt: state === 'done' ? new Date() : null,
        };
      });
    });
    for (let i = 0; i < results.length; i += 1000) await db.insert(checkpointResults).values(results.slice(i, i + 1000));
    const connectEvents = people.flatMap((p, i) => [
      { type: 'connected' as const, participantId: p.id, workshopId: workshop!.id },
      ...(i % 10 === 0 ? [{ type: 'connect_failed' as const, participantId: p.id, workshopId: workshop!.id, code: 'unauthorized' }] : []),
    ]);
    for (let i = 0; i < connectEvents.length; i += 1000) await db.insert(events).values(connectEvents.slice(i, i + 1000));
    console.log(`[bench] ${label}: ${ATTENDEES} attendees × ${allCheckpointIds.length} checkpoints (${results.length} results) seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    /** What changes in a class between two board polls: a few checkpoints, people seen, statuses. */
    let changeRound = 0;
    const changeSome = async () => {
      changeRound += 1;
      for (let c = 0; c < CHANGES; c += 1) {
        const person = people[(changeRound * CHANGES + c * 37) % people.length]!;
        const checkpointId = allCheckpointIds[(changeRound + c) % allCheckpointIds.length]!;
        await recordResult(db, { participantId: person.id, checkpointId, state: c % 4 === 0 ? 'done' : 'error', errorCode: c % 4 === 0 ? null : 'timeout' });
        await touchParticipants(db, [person.id], 0);
        await recordConnectionStatus(db, person.id, { version: '8.15.0', clusterName: 'x', health: c % 2 ? 'green' : 'yellow' });
      }
    };

    const measure = async (name: string, run: (now: number) => Promise<unknown>) => {
      const wall: number[] = [];
      const cpu: number[] = [];
      const queryCounts: number[] = [];
      let bytes = 0;
      let now = Date.now();
      // Two warm-up polls (module loading, a view's first build), then the measured ones.
      for (let i = 0; i < POLLS + 2; i += 1) {
        await changeSome();
        now += BOARD_MS;
        statements.length = 0;
        counting = true;
        const cpuStart = process.cpuUsage();
        const started = performance.now();
        const result = await run(now);
        const body = typeof result === 'string' ? result : JSON.stringify(result);
        const ms = performance.now() - started;
        const cpuUs = process.cpuUsage(cpuStart);
        counting = false;
        if (i < 2) continue;
        wall.push(ms);
        cpu.push((cpuUs.user + cpuUs.system) / 1000);
        queryCounts.push(statements.length);
        bytes = body.length;
      }
      wall.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      const queries = [...new Set(queryCounts)].sort((a, b) => a - b).join('/');
      console.log(
        `${name.padEnd(34)} wall p50 ${pct(wall, 50).toFixed(1).padStart(6)} ms  p99 ${pct(wall, 99).toFixed(1).padStart(6)} ms  · CPU p50 ${pct(cpu, 50).toFixed(1).padStart(6)} ms · SQL statements ${queries} · ${(bytes / 1024).toFixed(0)} KiB JSON`,
      );
    };

    console.log(`[bench] ${POLLS} polls each, ${CHANGES} attendees changing between polls, ${BOARD_MS / 1000} s apart (simulated)`);
    // Before: what the route did until the board was kept in memory (every attendee × checkpoint read and built per poll).
    await measure('board poll, rebuilt per request', async (now) => {
      const owned = await ownedWorkshop(ctx, teacher!.id, workshop!.id);
      const [board, attempts] = await Promise.all([getWorkshopProgress(db, owned.id), listConnectAttempts(db, owned.id, new Date(now - DEFAULT_FAILURE_WINDOW_MS))]);
      return JSON.stringify(
        buildProgress(workshopDto(owned), board, attempts, { now, automatic: automaticCheckpoints(), stuckMinutes: 10, stuckRepeats: 3, checkIntervalMs: 15_000 }),
      );
    });
    await measure('board poll, kept in memory (route)', (now) => workshopProgressJson(ctx, teacher!.id, workshop!.id, now));
    await measure('presenter counts (route)', () => workshopCounts(ctx, teacher!.id, workshop!.id));
  } finally {
    await drop();
    await handle.close().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
