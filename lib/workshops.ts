import 'server-only';
import { z } from 'zod';
import { forgetParticipant } from './auth/session';
import { forgetVerifications } from './checkpoints/verifier';
import { invalidateCoalesced } from './cluster/coalesce';
import { connectionKey } from './connections/service';
import {
  appendEvent,
  closeWorkshop,
  countAttendeesByWorkshop,
  createWorkshop,
  getConnectionSummary,
  getParticipant,
  getWorkshop,
  InvalidJoinCodeError,
  JoinCodeTakenError,
  listWorkshopsByInstructor,
  removeParticipant,
  reopenWorkshop,
  resetProgress,
  updateWorkshop,
  type Participant,
  type Workshop,
} from './db';
import { AppError } from './errors';
import type { AppContext } from './server/context';
import { calendarDate, singleLineText, textWithoutControls } from './validation/text';

export interface WorkshopDto {
  id: string;
  name: string;
  code: string;
  date: string | null;
  clusterMode: Workshop['clusterMode'];
  status: Workshop['status'];
  createdAt: string;
  closedAt: string | null;
  /** Attendees on the board (not removed); in lists only. */
  attendees?: number;
}

export function workshopDto(workshop: Workshop, attendees?: number): WorkshopDto {
  return {
    id: workshop.id,
    name: workshop.name,
    code: workshop.code,
    date: workshop.date,
    clusterMode: workshop.clusterMode,
    status: workshop.status,
    createdAt: workshop.createdAt.toISOString(),
    closedAt: workshop.closedAt?.toISOString() ?? null,
    ...(attendees === undefined ? {} : { attendees }),
  };
}

const name = singleLineText({ max: 120 });
const date = calendarDate;
const code = textWithoutControls(14).pipe(z.string().trim().min(4));

/** `POST /api/workshops` */
export const createWorkshopSchema = z
  .object({ name, date: date.optional(), code: code.optional(), clusterMode: z.enum(['cloud', 'practice']).optional() })
  .strict();
export type CreateWorkshopRequest = z.infer<typeof createWorkshopSchema>;

/** `PATCH /api/workshops/{id}`: edit, and close or reopen with `status`. */
export const updateWorkshopSchema = z
  .object({
    name: name.optional(),
    date: date.nullable().optional(),
    code: code.optional(),
    clusterMode: z.enum(['cloud', 'practice']).optional(),
    status: z.enum(['open', 'closed']).optional(),
  })
  .strict();
export type UpdateWorkshopRequest = z.infer<typeof updateWorkshopSchema>;

/** Workshop and attendee ids in paths: anything that is not a UUID cannot name one. */
export const idSchema = z.string().uuid();

function codeError(error: unknown): never {
  if (error instanceof JoinCodeTakenError) throw new AppError('invalid_request', { params: { field: 'code', reason: 'taken' } });
  if (error instanceof InvalidJoinCodeError) throw new AppError('invalid_request', { params: { field: 'code', reason: '4-12 letters and digits' } });
  throw error;
}

export async function createInstructorWorkshop(ctx: AppContext, instructorId: string, input: CreateWorkshopRequest): Promise<WorkshopDto> {
  try {
    const workshop = await createWorkshop(ctx.db, { ...input, createdBy: instructorId });
    await appendEvent(ctx.db, { type: 'workshop_created', participantId: instructorId, workshopId: workshop.id });
    return workshopDto(workshop, 0);
  } catch (error) {
    codeError(error);
  }
}

export async function listInstructorWorkshops(ctx: AppContext, instructorId: string): Promise<WorkshopDto[]> {
  const workshops = await listWorkshopsByInstructor(ctx.db, instructorId);
  const counts = await countAttendeesByWorkshop(
    ctx.db,
    workshops.map((workshop) => workshop.id),
  );
  return workshops.map((workshop) => workshopDto(workshop, counts[workshop.id] ?? 0));
}

/**
 * The workshop, if this instructor created it. Someone else's workshop is "not found" rather than
 * "forbidden", so its existence is not given away.
 */
export async function ownedWorkshop(ctx: AppContext, instructorId: string, workshopId: string): Promise<Workshop> {
  const workshop = idSchema.safeParse(workshopId).success ? await getWorkshop(ctx.db, workshopId) : undefined;
  if (!workshop || workshop.createdBy !== instructorId) {
    throw new AppError('not_found', { detail: `workshop ${workshopId} is not one of instructor ${instructorId}'s` });
  }
  return workshop;
}

export async function updateInstructorWorkshop(ctx: AppContext, instructorId: string, workshopId: string, input: UpdateWorkshopRequest): Promise<WorkshopDto> {
  const before = await ownedWorkshop(ctx, instructorId, workshopId);
  const { status, ...fields } = input;
  let workshop: Workshop | undefined = before;
  try {
    if (Object.values(fields).some((value) => value !== undefined)) workshop = await updateWorkshop(ctx.db, workshopId, fields);
  } catch (error) {
    codeError(error);
  }
  if (status === 'closed' && before.status !== 'closed') workshop = await closeWorkshop(ctx.db, workshopId);
  if (status === 'open' && before.status !== 'open') workshop = await reopenWorkshop(ctx.db, workshopId);
  if (!workshop) throw new AppError('not_found', { detail: `workshop ${workshopId} vanished while being updated` });
  const changed = Object.keys(input).filter((key) => key !== 'status');
  if (changed.length > 0 || status === 'open') {
    await appendEvent(ctx.db, { type: 'workshop_updated', participantId: instructorId, workshopId, detail: { fields: changed, ...(status ? { status } : {}) } });
  }
  if (status === 'closed' && before.status !== 'closed') await appendEvent(ctx.db, { type: 'workshop_closed', participantId: instructorId, workshopId });
  return workshopDto(workshop);
}

/** An attendee of this instructor's workshop (not removed), or not_found. */
export async function workshopAttendee(ctx: AppContext, instructorId: string, workshopId: string, attendeeId: string): Promise<{ workshop: Workshop; attendee: Participant }> {
  const workshop = await ownedWorkshop(ctx, instructorId, workshopId);
  const attendee = idSchema.safeParse(attendeeId).success ? await getParticipant(ctx.db, attendeeId) : undefined;
  if (!attendee || attendee.workshopId !== workshopId || attendee.role !== 'attendee' || attendee.removedAt !== null) {
    throw new AppError('not_found', { detail: `participant ${attendeeId} is not on the board of workshop ${workshopId}` });
  }
  return { workshop, attendee };
}

/**
 * Takes the attendee off the board: their stored credentials are deleted, their cached cluster
 * client closed, and their session stops working within seconds (the "still active" answer is
 * forgotten). Their progress and events stay for the record.
 */
export async function removeAttendee(ctx: AppContext, instructorId: string, workshopId: string, attendeeId: string): Promise<{ removed: true }> {
  await workshopAttendee(ctx, instructorId, workshopId, attendeeId);
  const connection = await getConnectionSummary(ctx.db, attendeeId);
  await removeParticipant(ctx.db, attendeeId);
  forgetParticipant(attendeeId);
  if (connection) {
    ctx.clients.delete(connection.id);
    invalidateCoalesced(connectionKey(connection.id));
  }
  await appendEvent(ctx.db, { type: 'participant_removed', participantId: attendeeId, workshopId, detail: { by: instructorId } });
  return { removed: true };
}

/** `POST .../reset`: the only way a done checkpoint goes back; it is verified afresh on the next check. */
export const resetSchema = z.object({ checkpointIds: z.array(z.string().regex(/^[a-z0-9-]{1,64}$/)).max(50).optional() }).strict();

export async function resetAttendee(
  ctx: AppContext,
  instructorId: string,
  workshopId: string,
  attendeeId: string,
  checkpointIds?: readonly string[],
): Promise<{ reset: number }> {
  await workshopAttendee(ctx, instructorId, workshopId, attendeeId);
  const reset = await resetProgress(ctx.db, attendeeId, checkpointIds);
  // Answers cached from before the reset must not be written back as if they were new.
  invalidateCoalesced(`verify:${attendeeId}:`);
  // Nor may the background verifier skip a chapter because the page verified it before the reset.
  forgetVerifications(attendeeId);
  const connection = await getConnectionSummary(ctx.db, attendeeId);
  if (connection) invalidateCoalesced(connectionKey(connection.id, 'checkpoint:'));
  await appendEvent(ctx.db, { type: 'progress_reset', participantId: attendeeId, workshopId, detail: { by: instructorId, checkpoints: checkpointIds ? [...checkpointIds] : 'all', count: reset } });
  return { reset };
}
