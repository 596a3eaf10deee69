/**
 * Known events a watch can be simulated with (`_execute`'s `alternative_input`), shaped like the
 * payload of the watch's own search input: a failed SSH login as Filebeat's `system.auth` lines
 * record it (sshd's "Invalid user" line, chapter 3), and a minute of high CPU as the threshold
 * watch's `max` aggregation reports it. Pure and client-safe.
 */

export const SAMPLE_EVENTS = ['ssh-failed-login', 'cpu-high'] as const;
export type SampleEvent = (typeof SAMPLE_EVENTS)[number];

export function isSampleEvent(value: unknown): value is SampleEvent {
  return typeof value === 'string' && (SAMPLE_EVENTS as readonly string[]).includes(value);
}

/** The search payload a watch would see for the sample event at `now`. */
export function sampleEventPayload(input: SampleEvent, now: number): Record<string, unknown> {
  const shards = { total: 1, successful: 1, skipped: 0, failed: 0 };
  if (input === 'ssh-failed-login') {
    return {
      _shards: shards,
      hits: {
        total: 1,
        max_score: null,
        hits: [
          {
            _index: 'filebeat-simulated',
            _id: 'simulated-ssh-attempt',
            _score: null,
            _source: { message: 'Invalid user foo from 203.0.113.10 port 52144' },
            sort: [now],
          },
        ],
      },
    };
  }
  return { _shards: shards, hits: { total: 6, max_score: null, hits: [] }, aggregations: { metricAgg: { value: 0.97 } } };
}
