'use client';

import { useLocale, useTranslations } from 'next-intl';
import type { StuckReasonDto } from '@/lib/board/progress-view';
import type { StuckGroup } from '@/lib/board/stuck';
import { describeError, isErrorCode } from '@/lib/errors';

/**
 * Human text for stuck reasons, in the board's language: "4 attendees: unauthorized — wrong
 * password", "6 attendees: no Metricbeat data 10 minutes after most of the class".
 */
export function useStuckText(minutes: number) {
  const t = useTranslations('board');
  const locale = useLocale();
  const reason = (code: string) => (t.has(`reasons.${code}`) ? t(`reasons.${code}`) : isErrorCode(code) ? describeError(code, locale).message : code);
  const describe = (kind: StuckGroup['kind'], code: string | null, checkpointId: string | null, count: number) =>
    kind === 'repeated_error'
      ? t('stuck.error', { count, code: code ?? '', reason: reason(code ?? '') })
      : t('stuck.behind', { count, minutes, what: checkpointId ? t(`behind.${checkpointId}`) : '' });
  return {
    reason,
    group: (group: StuckGroup) => describe(group.kind, group.code, group.checkpointId, group.attendeeIds.length),
    attendee: (stuck: StuckReasonDto) => describe(stuck.kind, stuck.code, stuck.checkpointId, 1),
  };
}
