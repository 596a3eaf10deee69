/**
 * Auth log (chapter 3): where Filebeat's `system` module writes auth events and the fields the
 * panel, its summary and the chapter 3 checkpoints read.
 *
 * Documents come from the Filebeat `system` module in three shapes, all read here:
 * - 7.x ECS (log input): `user.name`, `source.ip`, `event.outcome`, `log.offset`; the pipeline
 *   drops `message` from the sshd lines it parses.
 * - 8.x (log or journald input): the same ECS fields plus `message`; `source.address`; journald
 *   events have no `log.offset`; "invalid user" lines may leave a leading space in `user.name`.
 * - a line the pipeline did not parse (pipeline not loaded, or an sshd message it has no pattern
 *   for): only `message`, sometimes still the whole syslog line.
 * Pre-ECS 6.x names (`system.auth.user`, `system.auth.ssh.ip`) are read as fallbacks.
 */
import type { Duration } from '../common';

export const AUTH_LOG_INDEX = 'filebeat-*';
export const AUTH_DATASET = 'system.auth';

/** The first page shows this much history. */
export const AUTH_FIRST_PAGE_LOOKBACK: Duration = '15m';

/** What free text in the filter box searches: 7.x drops `message` from parsed sshd lines. */
export const AUTH_TEXT_FIELDS = ['message', 'user.name'];

export const AUTH_LOG_FIELDS = {
  timestamp: '@timestamp',
  host: 'host.name',
  dataset: 'event.dataset',
  sshEvent: 'system.auth.ssh.event',
  user: 'user.name',
  sourceIp: 'source.ip',
  offset: 'log.offset',
  filePath: 'log.file.path',
} as const;

