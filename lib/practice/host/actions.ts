/**
 * The practice host's actions: the control API's contract (DESIGN.md), shared by the practice
 * cluster and the app that drives it, in a module with no dependencies.
 */
export const HOST_ACTIONS = [
  'metricbeat-setup',
  'metricbeat-start',
  'metricbeat-stop',
  'filebeat-setup',
  'filebeat-start',
  'filebeat-stop',
  'cpu-load',
  'ssh-attempt',
] as const;
export type HostAction = (typeof HOST_ACTIONS)[number];

export function isHostAction(value: string): value is HostAction {
  return (HOST_ACTIONS as readonly string[]).includes(value);
}
