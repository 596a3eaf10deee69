'use client';

import { EuiButton, EuiEmptyPrompt, EuiLoadingSpinner, EuiPageTemplate } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import { Link } from '@/i18n/navigation';

export function ChapterLoading() {
  const t = useTranslations('chapter');
  return (
    <EuiPageTemplate.EmptyPrompt
      icon={<EuiLoadingSpinner size="xl" />}
      title={<h2>{t('loading')}</h2>}
      data-testid="chapter-loading"
    />
  );
}

export function ChapterError({ reset }: { reset: () => void }) {
  const t = useTranslations('chapter');
  return (
    <EuiEmptyPrompt
      iconType="error"
      color="danger"
      title={<h2>{t('errorTitle')}</h2>}
      body={<p>{t('errorBody')}</p>}
      actions={
        <EuiButton onClick={reset} data-testid="chapter-retry">
          {t('retry')}
        </EuiButton>
      }
    />
  );
}

export function NotFoundPrompt() {
  const t = useTranslations('chapter');
  return (
    <EuiEmptyPrompt
      iconType="documentation"
      title={<h2>{t('notFoundTitle')}</h2>}
      body={<p>{t('notFoundBody')}</p>}
      actions={
        <Link href="/" legacyBehavior passHref>
          <EuiButton>{t('backHome')}</EuiButton>
        </Link>
      }
      data-testid="not-found"
    />
  );
}
