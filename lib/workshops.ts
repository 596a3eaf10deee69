import 'server-only';
import { appendEvent, createWorkshop, InvalidJoinCodeError, JoinCodeTakenError, listWorkshopsByInstructor, type Workshop } from './db';
import { AppError } from './errors';
import type { AppContext } from './server/context';

export interface WorkshopDto {
  id: string;
  name: string;
  code: string;
  date: string | null;
  clusterMode: Workshop['clusterMode'];
  status: Workshop['status'];
  createdAt: string;
}

export function workshopDto(workshop: Workshop): WorkshopDto {
  return {
    id: workshop.id,
    name: workshop.name,
    code: workshop.code,
    date: workshop.date,
    clusterMode: workshop.clusterMode,
    status: workshop.status,
    createdAt: workshop.createdAt.toISOString(),
  };
}

export async function createInstructorWorkshop(
  ctx: AppContext,
  instructorId: string,
  input: { name: string; date?: string; code?: string; clusterMode?: Workshop['clusterMode'] },
): Promise<WorkshopDto> {
  try {
    const workshop = await createWorkshop(ctx.db, { ...input, createdBy: instructorId });
    await appendEvent(ctx.db, { type: 'workshop_created', participantId: instructorId, workshopId: workshop.id });
    return workshopDto(workshop);
  } catch (error) {
    if (error instanceof JoinCodeTakenError) throw new AppError('invalid_request', { params: { field: 'code', reason: 'taken' } });
    if (error instanceof InvalidJoinCodeError) throw new AppError('invalid_request', { params: { field: 'code', reason: '4-12 letters and digits' } });
    throw error;
  }
}

export async function listInstructorWorkshops(ctx: AppContext, instructorId: string): Promise<WorkshopDto[]> {
  return (await listWorkshopsByInstructor(ctx.db, instructorId)).map(workshopDto);
}
