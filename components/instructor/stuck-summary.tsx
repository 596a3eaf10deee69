'use client';

import { EuiBadge, EuiCallOut, EuiFlexGroup, EuiFlexItem, EuiText } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import type { BoardAttendeeDto } from '@/lib/board/progress-view';
import type { StuckGroup } from '@/lib/board/stuck';
import { useStuckText } from './stuck-text';

export interface StuckSummaryProps {
  groups: StuckGroup[];
  attendees: BoardAttendeeDto[];
  minutes: number;
  onSelect: (attendeeId: string) => void;
}

/** Who needs help, grouped by why, biggest group first; each name opens the drill-in. */
export function StuckSummary({ groups, attendees, minutes, onSelect }: StuckSummaryProps) {
  const t = useTranslations('board.stuck');
  const text = useStuckText(minutes);
  const names = new Map(attendees.map((attendee) => [attendee.id, attendee.name]));
  if (groups.length === 0) {
    return (
      <EuiText size="s" color="subdued" data-testid="stuck-none">
        <p>
          {t('none')} {t('rules', { minutes })}
        </p>
      </EuiText>
    );
  }
  return (
    <EuiCallOut color="warning" iconType="warning" title={t('title')} data-testid="stuck-summary">
      <EuiText size="xs" color="subdued">
        <p>{t('rules', { minutes })}</p>
      </EuiText>
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {groups.map((group) => (
          <li key={group.key} data-testid={`stuck-group-${group.key}`} data-count={group.attendeeIds.length} style={{ marginBlock: 8 }}>
            <EuiText size="m">
              <strong>{text.group(group)}</strong>
            </EuiText>
            <EuiFlexGroup gutterSize="xs" wrap responsive={false}>
              {group.attendeeIds.map((id) => (
                <EuiFlexItem grow={false} key={id}>
                  <EuiBadge color="warning" onClick={() => onSelect(id)} onClickAriaLabel={names.get(id) ?? id}>
                    {names.get(id) ?? id}
                  </EuiBadge>
                </EuiFlexItem>
              ))}
            </EuiFlexGroup>
          </li>
        ))}
      </ul>
    </EuiCallOut>
  );
}
