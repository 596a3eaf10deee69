'use client';

import { EuiButtonEmpty, EuiPanel, EuiSkeletonText, EuiText, EuiTitle } from '@elastic/eui';
import { useFormatter, useTranslations } from 'next-intl';
import { useParticipant } from '@/components/providers/participant';
import { requestMlView, useMlJob, type MlViewId } from '@/lib/client/ml-lab';
import { useTimeFormat, useViewerTimeZone } from '@/lib/client/time';
import { usePanel } from '@/lib/client/use-panel';
import { mlAnomaliesPanel, type DayAnswer, type MlAnswers } from '@/lib/panels/ml-anomalies.contract';

export interface MlAnswerProps {
  /** Step 21: when the bounds narrowed; step 22: the quietest weekday; step 23: 11/23 and 11/25. */
  question: 'narrowed' | 'weekday' | 'thanksgiving';
}

const VIEW_OF: Record<MlAnswerProps['question'], MlViewId> = { narrowed: 'first-week', weekday: 'four-weeks', thanksgiving: 'thanksgiving' };

function dateParts(date: string): { month: number; day: number } {
  return { month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

function DayLine({ day }: { day: DayAnswer }) {
  const t = useTranslations('ml.answers');
  const format = useFormatter();
  const weekday = t(`weekdays.${day.weekday}`);
  const when = t('date', { weekday, ...dateParts(day.date) });
  let text: string;
  if (day.maxScore === null) text = t('day.none', { when });
  else {
    const size = day.change === null ? '' : format.number(Math.abs(day.change), { style: 'percent', maximumFractionDigits: 0 });
    const direction = day.change === null ? (day.direction ?? 'lower') : day.change >= 0 ? 'higher' : 'lower';
    text = t(`day.${direction}`, {
      when,
      score: format.number(day.maxScore, { maximumFractionDigits: 0 }),
      severity: t(`severity.${day.severity ?? 'warning'}`),
      size,
      weekday,
      flights: format.number(day.flights ?? 0),
      usual: format.number(day.usual ?? 0),
    });
  }
  return (
    <li data-testid={`ml-answer-day-${day.date}`} data-score={day.maxScore ?? ''} data-direction={day.direction ?? ''} data-change={day.change ?? ''}>
      {text}
    </li>
  );
}

function Body({ question, answers, jobStart }: { question: MlAnswerProps['question']; answers: MlAnswers; jobStart: string | null }) {
  const t = useTranslations('ml.answers');
  const format = useFormatter();
  const time = useTimeFormat();
  if (question === 'narrowed') {
    if (answers.narrowedAt === null || answers.narrowedAfterDays === null) return <p>{t('narrowed.unknown')}</p>;
    return (
      <p>
        {t('narrowed.text', {
          time: time.format(answers.narrowedAt, 'shortDateTime'),
          days: format.number(answers.narrowedAfterDays, { maximumFractionDigits: 1 }),
          start: time.format(jobStart, 'shortDateTime'),
        })}
      </p>
    );
  }
  if (question === 'weekday') {
    if (!answers.fewest) return <p>{t('weekday.unknown')}</p>;
    const weekday = t(`weekdays.${answers.fewest.weekday}`);
    return (
      <>
        <p>
          {t('weekday.text', {
            weekday,
            median: format.number(answers.fewest.median),
            others: format.number(answers.fewest.othersMedian),
            below: format.number(answers.fewest.below, { style: 'percent', maximumFractionDigits: 0 }),
          })}
        </p>
        <ul>
          {answers.weekdays.map((w) => (
            <li key={w.weekday} data-weekday={w.weekday}>
              {t('weekday.item', { weekday: t(`weekdays.${w.weekday}`), median: format.number(w.median), days: w.days })}
            </li>
          ))}
        </ul>
      </>
    );
  }
  if (answers.days.length === 0) return <p>{t('thanksgiving.unknown')}</p>;
  return (
    <>
      <ul>
        {answers.days.map((day) => (
          <DayLine key={day.date} day={day} />
        ))}
      </ul>
      <p>{t('thanksgiving.known')}</p>
      <p>{t('thanksgiving.inferred')}</p>
    </>
  );
}

/**
 * One of the handout's questions (steps 21-23) answered from the learner's own job: read from
 * the same panel reading as the viewer, so it costs no extra request when both show the whole job.
 */
export default function MlAnswer({ question }: MlAnswerProps) {
  const t = useTranslations('ml.answers');
  const participant = useParticipant();
  const zone = useViewerTimeZone();
  const [job] = useMlJob();
  const panel = usePanel(mlAnomaliesPanel, { job, tz: zone, from: null, to: null }, { enabled: participant !== null && zone !== null, refreshMs: (latest) => (latest?.job && !latest.job.finished ? 2_000 : 15_000) });
  const answers = panel.data?.answers ?? null;
  let content;
  if (!participant) content = <p>{t('signIn')}</p>;
  else if (!panel.data) content = panel.error ? <p>{panel.error.message}</p> : <EuiSkeletonText lines={2} />;
  else if (!answers) content = <p>{panel.data.job ? t('afterRun') : t('noJob', { job })}</p>;
  else content = <Body question={question} answers={answers} jobStart={panel.data.job?.earliestRecordTimestamp ?? null} />;
  return (
    <EuiPanel hasBorder paddingSize="s" data-testid={`ml-answer-${question}`} data-ready={String(answers !== null)}>
      <EuiTitle size="xxs">
        <h5>{t(`${question}.title`)}</h5>
      </EuiTitle>
      <EuiText size="s">{content}</EuiText>
      {answers && (
        <EuiButtonEmpty size="xs" iconType="visLine" onClick={() => requestMlView(VIEW_OF[question])} data-testid={`ml-answer-${question}-show`}>
          {t(`${question}.show`)}
        </EuiButtonEmpty>
      )}
    </EuiPanel>
  );
}
