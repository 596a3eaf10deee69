import 'server-only';
import { redirect } from 'next/navigation';
import { requireCaller, type Caller } from '../auth/session';
import { AppError } from '../errors';

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
