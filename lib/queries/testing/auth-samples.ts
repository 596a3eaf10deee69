/** Test support: the real Filebeat `system` auth samples beside the query modules (`__fixtures__/README.md`). */
import type { SearchHit } from '../common';
import { localJson, localText } from './fixtures';

type Doc = Record<string, unknown>;

/** Raw auth.log lines, as a document holds them when the module's pipeline did not parse them. */
export const RAW_LINES = localText('filebeat-system-auth-test.log').trimEnd().split('\n');
/** Filebeat 6.0 search hits (pre-ECS names). */
export const HITS_6X = localJson<SearchHit[]>('filebeat-system-auth-expected.json');
/** 7.x ECS documents from a log file (no `message` on parsed sshd lines). */
export const DOCS_7X = localJson<Doc[]>('filebeat-system-auth-secure-rhel7-expected-excerpt.json');
export const DOCS_7X_TIMESTAMP = localJson<Doc[]>('filebeat-system-auth-timestamp-expected.json');
/** 8.x documents from journald (no log position). */
export const DOCS_8X = localJson<Doc[]>('filebeat-system-auth-debian-12-expected.json');
