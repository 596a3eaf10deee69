'use client';

import { EuiLink, EuiSkeletonText, EuiText } from '@elastic/eui';
import dynamic from 'next/dynamic';
import { useTranslations } from 'next-intl';

/**
 * Chapter 5's tags for the MDX: the flights.csv download, and the importer, the job wizard and
 * the answers beside the viewer, which load after the page (the chapter's first load stays small).
 */

const loading = () => <EuiSkeletonText lines={3} />;

export const FlightsImport = dynamic(() => import('@/components/ml/flights-import'), { ssr: false, loading });
export const MlJobWizard = dynamic(() => import('@/components/ml/job-wizard'), { ssr: false, loading });
export const MlAnswer = dynamic(() => import('@/components/ml/ml-answer'), { ssr: false, loading });

/** The generated flights.csv, said to be what it is: a calibrated stand-in, not the workshop's file. */
export function FlightsDownload() {
  const t = useTranslations('ml.download');
  return (
    <EuiText size="s" data-testid="flights-download">
      <p>
        <EuiLink href="/api/datasets/flights.csv" download="flights.csv" data-testid="flights-download-link">
          {t('link')}
        </EuiLink>{' '}
        — {t('label')}
      </p>
      <p>
        <small>{t('note')}</small>
      </p>
    </EuiText>
  );
}
