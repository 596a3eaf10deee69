import type { TextLocale } from '../errors-text';

/**
 * Why a checkpoint is still pending when nothing is wrong with the connection: the watch does not
 * exist yet, is inactive, has not run, ran but its condition never held, or its search found
 * nothing (chapter 4); the flights import stopped part way, the ML job is missing, never ran, stopped
 * early or found no critical anomaly yet (chapter 5). Stored in the result's code like an error code (the board shows it as is), explained to
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
  // Chapter 5: the flights import and the anomaly detection job.
  /** The index has rows but its data stops part way through a day: the import stopped (or still runs). */
  'import_incomplete',
  /** No anomaly detection job for the flights index yet. */
  'job_missing',
  /** The job exists but has never processed a record. */
  'job_not_run',
  /** The datafeed is still reading the data. */
  'job_running',
  /** The datafeed stopped before the end of the data. */
  'datafeed_stopped_early',
  /** The job's state is `failed`. */
  'job_failed',
  /** The job ran but no record scored 75 or more yet. */
  'no_critical_anomaly',
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
  import_incomplete: {
    en: { message: 'The data stops part way through a day: the import stopped (or is still running).', hint: 'Import the same file again; rows already there are replaced, not duplicated.' },
    ko: { message: '데이터가 하루의 중간에서 끊깁니다. 가져오기가 멈췄거나 아직 진행 중입니다.', hint: '같은 파일을 다시 가져오세요. 이미 있는 행은 중복되지 않고 덮어씁니다.' },
  },
  job_missing: {
    en: { message: 'No anomaly detection job reads the flights index yet.', hint: 'Create it in step 19.' },
    ko: { message: '아직 flights 인덱스를 읽는 이상 탐지 작업이 없습니다.', hint: '19단계에서 만드세요.' },
  },
  job_not_run: {
    en: { message: 'The job exists but has not processed any data.', hint: 'Open it and start its datafeed (step 19).' },
    ko: { message: '작업은 있지만 데이터를 처리하지 않았습니다.', hint: '작업을 열고 데이터피드를 시작하세요(19단계).' },
  },
  job_running: {
    en: { message: 'The datafeed is still reading the data.', hint: 'Wait until it reaches the end of the data; the job then closes by itself.' },
    ko: { message: '데이터피드가 아직 데이터를 읽고 있습니다.', hint: '데이터의 끝에 닿을 때까지 기다리세요. 그러면 작업이 스스로 닫힙니다.' },
  },
  datafeed_stopped_early: {
    en: { message: 'The datafeed stopped before the end of the data.', hint: 'Start it again from where it stopped to the last document.' },
    ko: { message: '데이터피드가 데이터의 끝에 닿기 전에 멈췄습니다.', hint: '멈춘 곳부터 마지막 문서까지 다시 시작하세요.' },
  },
  job_failed: {
    en: { message: 'The job is in the failed state.', hint: 'Close it with force and open it again, or delete and recreate it.' },
    ko: { message: '작업이 failed 상태입니다.', hint: '강제로 닫고 다시 열거나, 삭제하고 다시 만드세요.' },
  },
  no_critical_anomaly: {
    en: { message: 'No anomaly has scored 75 or more yet (the highest so far is shown).', hint: 'Let the datafeed run over the whole two months: Thanksgiving (11/23) comes near the end.' },
    ko: { message: '아직 점수 75 이상인 이상 징후가 없습니다(지금까지의 최고 점수를 보여 줍니다).', hint: '데이터피드가 두 달 전체를 읽게 하세요. 추수감사절(11/23)은 끝 무렵에 있습니다.' },
  },
};

export function describeReason(reason: CheckpointReason, locale: TextLocale): { message: string; hint: string } {
  return TEXTS[reason][locale];
}
