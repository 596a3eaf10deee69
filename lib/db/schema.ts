/**
 * The one storage schema, shared by embedded PGlite and PostgreSQL. Migrations in ./migrations are
 * generated from it with `npm run db:generate`; never edit a generated migration by hand.
 *
 * This module only declares tables (no `server-only`): drizzle-kit loads it in plain Node.
 */
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigserial,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const CLUSTER_MODES = ['cloud', 'practice'] as const;
export type ClusterMode = (typeof CLUSTER_MODES)[number];

export const WORKSHOP_STATUSES = ['open', 'closed'] as const;
export type WorkshopStatus = (typeof WORKSHOP_STATUSES)[number];

export const PARTICIPANT_ROLES = ['attendee', 'self_paced', 'instructor'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

export const CONNECTION_KINDS = ['cloud_id', 'url', 'practice'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

export const CONNECTION_AUTH_TYPES = ['basic', 'api_key'] as const;
export type ConnectionAuthType = (typeof CONNECTION_AUTH_TYPES)[number];

export const CHECKPOINT_STATES = ['pending', 'done', 'error'] as const;
export type CheckpointState = (typeof CHECKPOINT_STATES)[number];

export const API_KEY_PURPOSES = ['metricbeat', 'filebeat'] as const;
export type ApiKeyPurpose = (typeof API_KEY_PURPOSES)[number];

export const EVENT_TYPES = [
  'joined',
  'signed_in',
  'chapter_changed',
  'connected',
  'connect_failed',
  'disconnected',
  'checkpoint_done',
  'checkpoint_error',
  'progress_reset',
  'participant_removed',
  'api_key_created',
  'api_key_invalidated',
  'workshop_created',
  'workshop_updated',
  'workshop_closed',
  /** A practice host action that succeeded; `detail` keeps the Beats' state after it, for recreating a lost deployment. */
  'practice_host_action',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What the last probe of a cluster found, kept so the board and the drill-in can show it without
 * asking the cluster again. Never holds credentials. Known fields are typed; the cluster module may
 * add more.
 */
export interface ConnectionStatusSnapshot {
  version?: string;
  clusterName?: string;
  health?: 'green' | 'yellow' | 'red';
  nodeCount?: number;
  mlNode?: boolean;
  licence?: { type: string; status: string };
  [key: string]: JsonValue | undefined;
}

/** `col IN ('a', 'b')` for a CHECK constraint; values are our own constants, never user input. */
function oneOf(column: AnyPgColumn, values: readonly string[]) {
  return sql`${column} in (${sql.raw(values.map((value) => `'${value}'`).join(', '))})`;
}

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const workshops = pgTable(
  'workshops',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    date: date('date', { mode: 'string' }),
    /** Stored upper-case; looked up case-insensitively through the unique index on upper(code). */
    code: text('code').notNull(),
    clusterMode: text('cluster_mode', { enum: CLUSTER_MODES }).notNull().default('cloud'),
    status: text('status', { enum: WORKSHOP_STATUSES }).notNull().default('open'),
    createdBy: uuid('created_by').references((): AnyPgColumn => participants.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('workshops_code_upper_idx').on(sql`upper(${t.code})`),
    index('workshops_created_by_idx').on(t.createdBy),
    check('workshops_cluster_mode_check', oneOf(t.clusterMode, CLUSTER_MODES)),
    check('workshops_status_check', oneOf(t.status, WORKSHOP_STATUSES)),
  ],
);

export const participants = pgTable(
  'participants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: PARTICIPANT_ROLES }).notNull(),
    workshopId: uuid('workshop_id').references((): AnyPgColumn => workshops.id, { onDelete: 'set null' }),
    authProvider: text('auth_provider'),
    authSubject: text('auth_subject'),
    currentChapter: smallint('current_chapter').notNull().default(1),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [
    index('participants_workshop_idx').on(t.workshopId, t.createdAt),
    uniqueIndex('participants_auth_idx').on(t.authProvider, t.authSubject),
    check('participants_role_check', oneOf(t.role, PARTICIPANT_ROLES)),
  ],
);

export const clusterConnections = pgTable(
  'cluster_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    participantId: uuid('participant_id')
      .notNull()
      .unique('cluster_connections_participant_unique')
      .references(() => participants.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: CONNECTION_KINDS }).notNull(),
    /** The Elasticsearch URL, without credentials. */
    endpoint: text('endpoint').notNull(),
    cloudIdLabel: text('cloud_id_label'),
    kibanaUrl: text('kibana_url'),
    authType: text('auth_type', { enum: CONNECTION_AUTH_TYPES }).notNull(),
    /** Ciphertext from lib/crypto, stored byte for byte; this layer never sees the plain text. */
    encryptedCredentials: text('encrypted_credentials').notNull(),
    /** Which key encrypted the blob, so keys can be rotated. */
    credentialsVersion: integer('credentials_version').notNull().default(1),
    practiceDeploymentId: text('practice_deployment_id'),
    lastStatus: jsonb('last_status').$type<ConnectionStatusSnapshot>(),
    lastStatusAt: timestamp('last_status_at', { withTimezone: true }),
    lastErrorCode: text('last_error_code'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
    connectedAt: timestamp('connected_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('cluster_connections_kind_check', oneOf(t.kind, CONNECTION_KINDS)),
    check('cluster_connections_auth_type_check', oneOf(t.authType, CONNECTION_AUTH_TYPES)),
  ],
);

export const checkpointResults = pgTable(
  'checkpoint_results',
  {
    participantId: uuid('participant_id')
      .notNull()
      .references(() => participants.id, { onDelete: 'cascade' }),
    checkpointId: text('checkpoint_id').notNull(),
    state: text('state', { enum: CHECKPOINT_STATES }).notNull(),
    detail: text('detail'),
    errorCode: text('error_code'),
    /** How many results were recorded until (and including) the first `done`. */
    attempts: integer('attempts').notNull().default(1),
    firstDoneAt: timestamp('first_done_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'checkpoint_results_pk', columns: [t.participantId, t.checkpointId] }),
    check('checkpoint_results_state_check', oneOf(t.state, CHECKPOINT_STATES)),
  ],
);

export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    participantId: uuid('participant_id').references(() => participants.id, { onDelete: 'cascade' }),
    workshopId: uuid('workshop_id').references(() => workshops.id, { onDelete: 'cascade' }),
    type: text('type', { enum: EVENT_TYPES }).notNull(),
    checkpointId: text('checkpoint_id'),
    code: text('code'),
    detail: jsonb('detail').$type<JsonValue>(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('events_workshop_idx').on(t.workshopId, t.id),
    index('events_participant_idx').on(t.participantId, t.id),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    participantId: uuid('participant_id')
      .notNull()
      .references(() => participants.id, { onDelete: 'cascade' }),
    /** Elasticsearch's id of the key; the secret half is shown to the attendee once and not kept. */
    esKeyId: text('es_key_id').notNull(),
    name: text('name').notNull(),
    purpose: text('purpose', { enum: API_KEY_PURPOSES }).notNull(),
    createdAt: createdAt(),
    invalidatedAt: timestamp('invalidated_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('api_keys_participant_key_idx').on(t.participantId, t.esKeyId),
    check('api_keys_purpose_check', oneOf(t.purpose, API_KEY_PURPOSES)),
  ],
);

/**
 * The background verifier's work, split between app instances (lib/board/leases.ts): each open
 * workshop's attendees fall into `VERIFIER_SLICES` slices, and each slice is held by one instance
 * at a time until `expires_at`. A holder renews well before then; a stopped one releases its
 * slices, a dead one lets them expire, and another instance takes them over.
 */
export const verifierLeases = pgTable(
  'verifier_leases',
  {
    workshopId: uuid('workshop_id')
      .notNull()
      .references(() => workshops.id, { onDelete: 'cascade' }),
    slice: smallint('slice').notNull(),
    /** The holding instance's id; null once released. */
    holder: text('holder'),
    /** When the current holder took the slice (a takeover shows here). */
    acquiredAt: timestamp('acquired_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ name: 'verifier_leases_pk', columns: [t.workshopId, t.slice] })],
);

/** App instances running a background verifier, so each can take a fair share of the slices. */
export const verifierInstances = pgTable('verifier_instances', {
  id: text('id').primaryKey(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Which attendees of a workshop changed, and when: written by triggers on participants,
 * cluster_connections, checkpoint_results and connect events (migration 0002), so every writer
 * in every instance is seen. The class board keeps its view in memory and reads only these
 * attendees again (lib/board/live-view.ts). No foreign keys: a deleted participant must still be
 * noticed, and the triggers fire inside the cascades of a deleted workshop.
 */
export const boardChanges = pgTable(
  'board_changes',
  {
    workshopId: uuid('workshop_id').notNull(),
    participantId: uuid('participant_id').notNull(),
    /** The participant row, their connection or their connect attempts changed. */
    personAt: timestamp('person_at', { withTimezone: true }),
    /** Their checkpoint results changed. */
    resultsAt: timestamp('results_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ name: 'board_changes_pk', columns: [t.workshopId, t.participantId] })],
);

/**
 * Counters every app instance shares, so limits hold however many instances serve a class: failed
 * instructor sign-ins (per client and overall, lib/auth/sign-in-limits.ts) and self-paced sign-ups
 * per client. A key names the limit and a hash of the client's address, never the address itself.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    /** Attempts counted since `windowStartedAt`. */
    count: integer('count').notNull().default(0),
    windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
    /** No attempt is considered before this time. */
    notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
  },
  (t) => [index('rate_limits_last_at_idx').on(t.lastAt)],
);

export type Workshop = typeof workshops.$inferSelect;
export type NewWorkshop = typeof workshops.$inferInsert;
export type Participant = typeof participants.$inferSelect;
export type NewParticipant = typeof participants.$inferInsert;
export type ClusterConnection = typeof clusterConnections.$inferSelect;
export type CheckpointResult = typeof checkpointResults.$inferSelect;
export type StoredEvent = typeof events.$inferSelect;
export type ApiKeyRecord = typeof apiKeys.$inferSelect;
export type VerifierLease = typeof verifierLeases.$inferSelect;
export type RateLimitRow = typeof rateLimits.$inferSelect;
