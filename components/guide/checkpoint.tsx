'use client';

import { EuiBadge, EuiFlexGroup, EuiFlexItem, EuiPanel, EuiText } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import type { CheckpointId } from '@/content/chapters';

export type CheckpointState = 'pending' | 'done' | 'error';

export interface CheckpointProps {
  id: CheckpointId;
}

const badgeColor: Record<CheckpointState, string> = { pending: 'hollow', done: 'success', error: 'danger' };
const badgeIcon: Record<CheckpointState, string> = { pending: 'clock', done: 'checkCircleFill', error: 'error' };

/**
 * A self-checking checkpoint. Until cluster connections exist (their own issue) nothing can verify
 * it, so it shows pending with a line saying how it will be checked.
 */
export function Checkpoint({ id }: CheckpointProps) {
  const t = useTranslations('checkpoint');
  const state: CheckpointState = 'pending';
  return (
    <EuiPanel
      hasBorder
      paddingSize="s"
      data-testid={`checkpoint-${id}`}
      data-state={state}
      className="guide-checkpoint"
      role="status"
    >
      <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false}>
        <EuiFlexItem grow={false}>
          <EuiBadge color={badgeColor[state]} iconType={badgeIcon[state]}>
            {t(state)}
          </EuiBadge>
        </EuiFlexItem>
        <EuiFlexItem>
          <EuiText size="s">
            <strong>{t(`names.${id}`)}</strong>
          </EuiText>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiText size="xs" color="subdued">
        <p>{t('notYetChecked')}</p>
      </EuiText>
    </EuiPanel>
  );
}
