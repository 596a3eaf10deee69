'use client';

import {
  EuiButton,
  EuiCard,
  EuiFlexGrid,
  EuiFlexItem,
  EuiListGroup,
  EuiPageTemplate,
  EuiSpacer,
  EuiText,
  EuiTitle,
} from '@elastic/eui';
import { useTranslations } from 'next-intl';
import { Link } from '@/i18n/navigation';

export interface LandingChapter {
  number: number;
  slug: string;
  title: string;
  summary: string;
  duration: number;
  steps: number;
  checkpoints: number;
}

export function Landing({ chapters }: { chapters: LandingChapter[] }) {
  const t = useTranslations();
  return (
    <>
      <EuiPageTemplate.Header pageTitle={t('landing.heading')} description={t('app.stackVersion')} />
      <EuiPageTemplate.Section>
        <EuiText size="m">
          <p>{t('landing.lead')}</p>
        </EuiText>
        <EuiSpacer size="l" />
        <Link href="/chapters/cluster" legacyBehavior passHref>
          <EuiButton fill iconType="chevronSingleRight" iconSide="right" data-testid="start-chapter-1">
            {t('landing.start')}
          </EuiButton>
        </Link>
        <EuiSpacer size="xl" />
        <EuiTitle size="s">
          <h2>{t('landing.audienceTitle')}</h2>
        </EuiTitle>
        <EuiSpacer size="s" />
        <EuiListGroup
          listItems={[
            { label: t('landing.attendee'), iconType: 'users', wrapText: true },
            { label: t('landing.instructor'), iconType: 'eye', wrapText: true },
            { label: t('landing.selfPaced'), iconType: 'user', wrapText: true },
          ]}
        />
        <EuiSpacer size="xl" />
        <EuiTitle size="s">
          <h2>{t('landing.chaptersTitle')}</h2>
        </EuiTitle>
        <EuiSpacer size="m" />
        <EuiFlexGrid columns={3} gutterSize="l">
          {chapters.map((chapter) => (
            <EuiFlexItem key={chapter.slug}>
              <Link href={`/chapters/${chapter.slug}`} legacyBehavior passHref>
                <EuiCard
                  titleElement="h3"
                  title={`${t('chapter.label', { number: chapter.number })} · ${chapter.title}`}
                  description={chapter.summary}
                  footer={
                    <EuiText size="xs" color="subdued">
                      <span>
                        {t('landing.minutes', { minutes: chapter.duration })} · {t('landing.steps', { count: chapter.steps })} ·{' '}
                        {t('landing.checkpoints', { count: chapter.checkpoints })}
                      </span>
                    </EuiText>
                  }
                  textAlign="left"
                  data-testid={`chapter-card-${chapter.number}`}
                />
              </Link>
            </EuiFlexItem>
          ))}
        </EuiFlexGrid>
      </EuiPageTemplate.Section>
    </>
  );
}
