// What the benches share for the processes they start and watch (Linux: figures from /proc).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Set while a bench stops its own processes, so their exit is not reported as a crash. */
let stoppingOnPurpose = false;

export function stoppingProcesses(onPurpose: boolean): void {
  stoppingOnPurpose = onPurpose;
}

/** Starts a process in a group of its own (so it stops with its children), its output to `logFile`. */
export function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  // Two streams into one file: neither may end it (stderr can still speak after stdout closed).
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.on('close', () => log.end());
  child.on('exit', (code, signal) => {
    if (!stoppingOnPurpose) console.error(`[bench] ${name} exited early (${code ?? signal}); see ${logFile}`);
  });
  return child;
}

/** SIGTERM to the process group, SIGKILL after 10 s. */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
}

/** Resolves once `url` answers 2xx; throws after `timeoutMs`. */
export async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/** CPU seconds of every process of this machine with that command name (`postgres`: a local server's backends and workers; backends that ended are no longer counted). */
export function processesNamed(command: string): { cpuS: number; count: number } {
  let cpuS = 0;
  let count = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== command) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpuS += (Number(fields[11]) + Number(fields[12])) / 100;
      count += 1;
    } catch {
      // The process ended while we read.
    }
  }
  return { cpuS, count };
}

/** CPU seconds and resident memory of a process and all its descendants (`next start` forks a worker). */
export function processTree(rootPid: number): { cpuS: number; rssBytes: number } {
  const tick = 100;
  const stats = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return [{ pid: Number(pid), ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / tick, rss: Number(fields[21]) * 4096 }];
      } catch {
        return [];
      }
    });
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const stat of stats) {
      if (!tree.has(stat.pid) && tree.has(stat.ppid)) {
        tree.add(stat.pid);
        grew = true;
      }
    }
  }
  const mine = stats.filter((stat) => tree.has(stat.pid));
  return { cpuS: mine.reduce((sum, s) => sum + s.cpu, 0), rssBytes: mine.reduce((sum, s) => sum + s.rss, 0) };
}
