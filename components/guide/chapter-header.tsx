'use client';

import { EuiButtonEmpty, EuiFlexGroup, EuiFlexItem, EuiPageTemplate, EuiSpacer } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import type { Chapter } from '@/content/chapters';
import { Link } from '@/i18n/navigation';
import { ChapterProgress } from './chapter-progress';

interface Neighbour {
  slug: string;
  number: number;
  title: string;
}

export interface ChapterFrameProps {
  number: Chapter['number'];
  title: string;
  summary: string;
  duration: number;
  previous?: Neighbour;
  next?: Neighbour;
  children: ReactNode;
}

export function ChapterFrame({ number, title, summary, duration, previous, next, children }: ChapterFrameProps) {
  const t = useTranslations();
  return (
    <>
      <EuiPageTemplate.Header
        pageTitle={`${t('chapter.label', { number })}: ${title}`}
        description={`${summary} · ${t('chapter.duration', { minutes: duration })}`}
        rightSideItems={[<ChapterProgress key="progress" chapter={number} />]}
        data-testid="chapter-header"
      />
      <EuiPageTemplate.Section>
        {children}
        <EuiSpacer size="xl" />
        <EuiFlexGroup justifyContent="spaceBetween" responsive={false} wrap>
          <EuiFlexItem grow={false}>
            {previous && (
              <Link href={`/chapters/${previous.slug}`} legacyBehavior passHref>
                <EuiButtonEmpty iconType="chevronSingleLeft" data-testid="previous-chapter">
                  {t('nav.previous')}: {previous.number}. {previous.title}
                </EuiButtonEmpty>
              </Link>
            )}
          </EuiFlexItem>
          <EuiFlexItem grow={false}>
            {next && (
              <Link href={`/chapters/${next.slug}`} legacyBehavior passHref>
                <EuiButtonEmpty iconType="chevronSingleRight" iconSide="right" data-testid="next-chapter">
                  {t('nav.next')}: {next.number}. {next.title}
                </EuiButtonEmpty>
              </Link>
            )}
          </EuiFlexItem>
        </EuiFlexGroup>
      </EuiPageTemplate.Section>
    </>
  );
}
