/**
 * What the browser and the server agree on for one panel read: its path under `/api/panels/`, how
 * often it refreshes, the query it takes and the DTO it answers. Client-safe (no `server-only`,
 * no zod): panel components import a panel's contract module (`<panel>.contract.ts`) for their
 * types and constants instead of copying them.
 */

/** Every panel answer says when the cluster was read (ISO 8601): the panel's "last updated". */
export interface PanelReading {
  checkedAt: string;
}

/** The query a panel read takes: flat, URL-safe values; `null`/`undefined` are left out of the URL. */
export type PanelQuery = Record<string, string | number | boolean | null | undefined>;

export interface PanelContract<Q extends PanelQuery, T extends PanelReading> {
  /** `cluster-status`, `auth-log/summary`, …: the route is `/api/panels/<id>`. */
  readonly id: string;
  /** How often an open panel reads again (DESIGN.md: 5 s, like the handout's "5초마다 갱신"). */
  readonly refreshMs: number;
  /** Types only: never set. */
  readonly types?: { query: Q; dto: T };
}

export type QueryOf<C> = C extends PanelContract<infer Q, PanelReading> ? Q : never;
export type DtoOf<C> = C extends PanelContract<PanelQuery, infer T> ? T : never;

export function panelContract<Q extends PanelQuery, T extends PanelReading>(id: string, refreshMs: number): PanelContract<Q, T> {
  return { id, refreshMs };
}

export const PANEL_API = '/api/panels/';

export function panelPath(contract: PanelContract<PanelQuery, PanelReading>): string {
  return `${PANEL_API}${contract.id}`;
}

/** The read's URL: the panel's path and its query, keys sorted so one question has one URL. */
export function panelUrl<Q extends PanelQuery>(contract: PanelContract<Q, PanelReading>, query: Q): string {
  const search = new URLSearchParams();
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (value !== null && value !== undefined) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${panelPath(contract)}?${text}` : panelPath(contract);
}
