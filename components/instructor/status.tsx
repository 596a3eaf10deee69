'use client';

import { EuiButton, EuiEmptyPrompt, EuiLoadingSpinner, EuiPageTemplate } from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';

/** Shown to a signed-in attendee or self-paced learner who opens an instructor page. */
export function RoleRequired({ returnTo }: { returnTo: string }) {
  const t = useTranslations('instructor');
  const locale = useLocale();
  return (
    <EuiPageTemplate.EmptyPrompt
      iconType="lock"
      title={<h1>{t('roleRequiredTitle')}</h1>}
      body={<p>{t('roleRequiredBody')}</p>}
      actions={
        <EuiButton href={`/${locale}/join?as=instructor&callbackUrl=${encodeURIComponent(returnTo)}`} fill data-testid="role-required-sign-in">
          {t('signIn')}
        </EuiButton>
      }
      data-testid="role-required"
    />
  );
}

export function InstructorLoading() {
  const t = useTranslations('instructor');
  return <EuiPageTemplate.EmptyPrompt icon={<EuiLoadingSpinner size="xl" />} title={<h2>{t('loading')}</h2>} data-testid="instructor-loading" />;
}

export function InstructorError({ reset }: { reset: () => void }) {
  const t = useTranslations('instructor');
  return (
    <EuiEmptyPrompt
      iconType="error"
      color="danger"
      title={<h2>{t('errorTitle')}</h2>}
      body={<p>{t('errorBody')}</p>}
      actions={<EuiButton onClick={reset}>{t('retry')}</EuiButton>}
      data-testid="instructor-error"
    />
  );
}
