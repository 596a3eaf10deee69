import type { BoardAttendeeDto, BoardCheckpointDto } from './progress-view';

/** How the board orders its rows. "stuck" is the default: the people who need help come first. */
export const BOARD_SORTS = ['stuck', 'progressDesc', 'progressAsc', 'name', 'joined'] as const;
export type BoardSort = (typeof BOARD_SORTS)[number];

/** Done checkpoints among those shown (the chapter filter narrows both the columns and the count). */
export function doneAmong(attendee: BoardAttendeeDto, checkpoints: readonly BoardCheckpointDto[]): number {
  return checkpoints.reduce((sum, { id }) => sum + (attendee.checkpoints[id]?.state === 'done' ? 1 : 0), 0);
}

/**
 * The rows in the chosen order, with a name filter. Ties fall back to joining order, so rows do not
 * jump around between refreshes of a live board.
 */
export function orderAttendees(
  attendees: readonly BoardAttendeeDto[],
  checkpoints: readonly BoardCheckpointDto[],
  sort: BoardSort,
  query = '',
  locale = 'en',
): BoardAttendeeDto[] {
  const needle = query.trim().toLocaleLowerCase(locale);
  const joined = new Map(attendees.map((attendee, index) => [attendee.id, index]));
  const rows = needle ? attendees.filter((attendee) => attendee.name.toLocaleLowerCase(locale).includes(needle)) : [...attendees];
  const progress = new Map(rows.map((attendee) => [attendee.id, doneAmong(attendee, checkpoints)]));
  const byJoin = (a: BoardAttendeeDto, b: BoardAttendeeDto) => joined.get(a.id)! - joined.get(b.id)!;
  const compare: Record<BoardSort, (a: BoardAttendeeDto, b: BoardAttendeeDto) => number> = {
    stuck: (a, b) => Number(b.stuck !== null) - Number(a.stuck !== null) || progress.get(a.id)! - progress.get(b.id)! || byJoin(a, b),
    progressDesc: (a, b) => progress.get(b.id)! - progress.get(a.id)! || byJoin(a, b),
    progressAsc: (a, b) => progress.get(a.id)! - progress.get(b.id)! || byJoin(a, b),
    name: (a, b) => a.name.localeCompare(b.name, locale) || byJoin(a, b),
    joined: byJoin,
  };
  return rows.sort(compare[sort]);
}
