import type { TextLocale } from '../errors-text';

/**
 * Why a checkpoint is still pending when nothing is wrong with the connection: the watch does not
 * exist yet, is inactive, has not run, ran but its condition never held, or its search found
 * nothing. Stored in the result's code like an error code (the board shows it as is), explained to
 * the attendee in their language beside the checkpoint's language-neutral detail ("HighCPU: max
 * CPU 0.27 < 0.5 ×3").
 */
export const CHECKPOINT_REASONS = [
  'watch_missing',
  'watch_inactive',
  'watch_not_run',
  'watch_never_met',
  'watch_never_met_normalised',
  'watch_no_hits',
  'watch_no_value',
] as const;

export type CheckpointReason = (typeof CHECKPOINT_REASONS)[number];

export function isCheckpointReason(value: unknown): value is CheckpointReason {
  return typeof value === 'string' && (CHECKPOINT_REASONS as readonly string[]).includes(value);
}

const TEXTS: Record<CheckpointReason, Record<TextLocale, { message: string; hint: string }>> = {
  watch_missing: {
    en: { message: 'No such watch on your cluster yet.', hint: 'Create it as this step says; the checkpoint finds it by what it does, whatever its name or ID.' },
    ko: { message: '클러스터에 아직 이런 워치가 없습니다.', hint: '이 단계대로 만드세요. 체크포인트는 이름이나 ID가 아니라 워치가 하는 일로 찾습니다.' },
  },
  watch_inactive: {
    en: { message: 'The watch exists but is inactive, so it never runs.', hint: 'Activate it (Kibana: Watcher > the watch > Activate, or PUT _watcher/watch/<id>/_activate).' },
    ko: { message: '워치가 있지만 비활성 상태라 실행되지 않습니다.', hint: '워치를 활성화하세요(Kibana: Watcher > 워치 > Activate, 또는 PUT _watcher/watch/<id>/_activate).' },
  },
  watch_not_run: {
    en: { message: 'The watch has not run since it was created.', hint: 'Wait for its next scheduled run (the interval in its trigger).' },
    ko: { message: '워치가 만들어진 뒤 아직 실행되지 않았습니다.', hint: '다음 예약 실행(트리거의 간격)까지 기다리세요.' },
  },
  watch_never_met: {
    en: { message: 'The watch ran, but its condition never held: the highest value it saw is shown above.', hint: 'Cause the event of this step again, or lower the threshold.' },
    ko: { message: '워치가 실행됐지만 조건이 한 번도 충족되지 않았습니다. 위에 워치가 본 가장 높은 값이 있습니다.', hint: '이 단계의 이벤트를 다시 일으키거나 임계값을 낮추세요.' },
  },
  watch_never_met_normalised: {
    en: {
      message: 'The watch ran, but its condition never held: the highest value it saw is shown above.',
      hint: 'system.cpu.total.norm.pct is divided by the number of cores: one dd raises it by only 1/cores. Run one dd per core (step 9), or set the threshold below 1/cores.',
    },
    ko: {
      message: '워치가 실행됐지만 조건이 한 번도 충족되지 않았습니다. 위에 워치가 본 가장 높은 값이 있습니다.',
      hint: 'system.cpu.total.norm.pct는 코어 수로 나눈 값이라 dd 하나로는 1/코어 수만큼만 오릅니다. 코어마다 dd를 하나씩 실행하거나(9단계) 임계값을 1/코어 수보다 낮추세요.',
    },
  },
  watch_no_hits: {
    en: { message: "The watch ran, but its search matched 0 documents every time.", hint: 'Check that the Beat is running and that the watch searches its indices (metricbeat-*, filebeat-*) and the right time window.' },
    ko: { message: '워치가 실행됐지만 검색된 문서가 매번 0건이었습니다.', hint: 'Beat가 실행 중인지, 워치가 그 인덱스(metricbeat-*, filebeat-*)와 알맞은 시간 범위를 검색하는지 확인하세요.' },
  },
  watch_no_value: {
    en: { message: 'The watch ran and found documents, but none had the field it measures.', hint: 'Metricbeat 7.x sends system.cpu.total.norm.pct only with cpu.metrics: ["percentages", "normalized_percentages"] (step 4), or pick system.cpu.total.pct.' },
    ko: { message: '워치가 실행되어 문서를 찾았지만, 측정하는 필드가 있는 문서가 없었습니다.', hint: 'Metricbeat 7.x는 cpu.metrics: ["percentages", "normalized_percentages"]를 설정해야 system.cpu.total.norm.pct를 보냅니다(4단계). 또는 system.cpu.total.pct를 고르세요.' },
  },
};

export function describeReason(reason: CheckpointReason, locale: TextLocale): { message: string; hint: string } {
  return TEXTS[reason][locale];
}
