'use client';

import { EuiSkeletonText, EuiText } from '@elastic/eui';
import dynamic from 'next/dynamic';
import { useTranslations } from 'next-intl';
import type { BeatName } from '@/lib/beats/beats';
import { usePresenter } from './presenter-context';

/** Which half of the set-up a step shows: the install commands (download step) or the configuration (config step). */
export type BeatSetupPart = 'install' | 'config' | 'all';

export interface BeatSetupProps {
  beat: BeatName;
  part?: BeatSetupPart;
}

// Filled in with the attendee's own cluster after the page loads, like the live panels.
const BeatSetupLive = dynamic(() => import('@/components/beats/beat-setup-panel'), {
  ssr: false,
  loading: () => <EuiSkeletonText lines={3} />,
});

/**
 * `<BeatSetup beat="metricbeat" part="install" />` in chapter MDX: install commands for the Beat
 * version that matches the attendee's cluster, and the configuration section with their Cloud ID
 * and a least-privilege API key made on request (chapter 2 Metricbeat, chapter 3 Filebeat).
 */
export function BeatSetup({ beat, part = 'all' }: BeatSetupProps) {
  const t = useTranslations('presenter');
  // On the projector it would show the instructor's own cluster and offer to make keys for it.
  if (usePresenter() !== null) {
    return (
      <EuiText size="s" color="subdued" data-testid={`beat-setup-${beat}-presenter`}>
        <p>{t('beatSetup')}</p>
      </EuiText>
    );
  }
  return <BeatSetupLive beat={beat} part={part} />;
}
