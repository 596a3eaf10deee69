/**
 * The API key a Beat publishes with (ES-REFERENCE 8.1): only what the running Beat needs against
 * its own indices, nothing to read data back, nothing outside `<beat>-*`. Pure: the request body
 * and the explanation the guide shows come from the same descriptor.
 */
import type { BeatName } from './beats';

export interface ClusterVersionLike {
  major: number;
  minor: number | null;
}

export interface BeatIndexPrivileges {
  names: string[];
  privileges: string[];
}

export interface BeatRoleDescriptor {
  cluster: string[];
  indices: BeatIndexPrivileges[];
}

/** Every privilege a Beat key may carry, each with the reason the guide gives for it (messages `beats.privileges.<name>`). */
export type BeatPrivilege =
  | 'monitor'
  | 'read_ilm'
  | 'read_pipeline'
  | 'cluster:admin/ingest/pipeline/get'
  | 'create_doc'
  | 'auto_configure'
  | 'view_index_metadata'
  | 'create_index';

/** How long a key lives: the workshop and some days of practice after it; revoke it sooner from the guide. */
export const BEAT_API_KEY_EXPIRATION = '30d';

function atLeast(version: ClusterVersionLike, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && (version.minor ?? 0) >= minor);
}

/**
 * The one role of a Beat's key, by cluster version:
 * - cluster `monitor` (the Beat reads the cluster version when it connects) and `read_ilm` (it
 *   checks the ILM policy `setup` made);
 * - Filebeat also reads the ingest pipelines of its modules: `read_pipeline`, a privilege 7.17
 *   and later know; older 7.x name the action itself;
 * - on `<beat>-*`: `create_doc` (append events, never overwrite or delete), and on 8.x/9.x
 *   `auto_configure` (the data stream is created on the first event) with `view_index_metadata`;
 *   7.x writes to an ILM alias it checks with `view_index_metadata`, or to daily indices it
 *   creates (`create_index`) when ILM is off.
 */
export function beatRoleDescriptor(beat: BeatName, version: ClusterVersionLike): BeatRoleDescriptor {
  const cluster = ['monitor', 'read_ilm'];
  if (beat === 'filebeat') cluster.push(atLeast(version, 7, 17) ? 'read_pipeline' : 'cluster:admin/ingest/pipeline/get');
  const privileges = version.major >= 8 ? ['create_doc', 'auto_configure', 'view_index_metadata'] : ['create_doc', 'view_index_metadata', 'create_index'];
  return { cluster, indices: [{ names: [`${beat}-*`], privileges }] };
}

export function beatApiKeyRoleName(beat: BeatName): string {
  return `lab_${beat}_writer`;
}

/**
 * A name the attendee recognises in Kibana's API keys page, unique per creation (several keys
 * may be alive while an old host is still being switched over).
 */
export function beatApiKeyName(beat: BeatName, participantId: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `elastic-logging-lab-${beat}-${participantId.slice(0, 8)}-${stamp}`;
}

/** `POST /_security/api_key` body. `metadata` exists from 7.13 on; older clusters refuse the field. */
export function beatApiKeyRequest(beat: BeatName, version: ClusterVersionLike, name: string): Record<string, unknown> {
  return {
    name,
    expiration: BEAT_API_KEY_EXPIRATION,
    role_descriptors: { [beatApiKeyRoleName(beat)]: beatRoleDescriptor(beat, version) },
    ...(atLeast(version, 7, 13) ? { metadata: { application: 'elastic-logging-lab', beat } } : {}),
  };
}
