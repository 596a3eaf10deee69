import 'server-only';
import { notFound, redirect } from 'next/navigation';
import { requireCaller, type Caller } from '../auth/session';
import { AppError } from '../errors';
import { ownedWorkshop } from '../workshops';

/**
 * The instructor pages' gate: signed out goes to the join page (instructor tab) and comes back
 * here after signing in; signed in with another role gets null, and the page says who it is for.
 */
export async function instructorForPage(locale: string, returnTo: string): Promise<Caller | null> {
  let caller: Caller;
  try {
    caller = await requireCaller(['instructor']);
  } catch (error) {
    if (error instanceof AppError && error.code === 'role_required') return null;
    if (error instanceof AppError && error.code === 'not_signed_in') {
      redirect(`/${locale}/join?as=instructor&callbackUrl=${encodeURIComponent(returnTo)}`);
    }
    throw error;
  }
  return caller;
}

/** The caller's own workshop for a page; another instructor's (or an unknown id) is a 404 page. */
export async function ownedWorkshopForPage(caller: Caller, workshopId: string) {
  try {
    return await ownedWorkshop(caller.ctx, caller.participant.id, workshopId);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') notFound();
    throw error;
  }
}
