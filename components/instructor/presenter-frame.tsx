'use client';

import { EuiBadge, EuiButtonEmpty, EuiCallOut, EuiFlexGroup, EuiFlexItem, EuiSpacer, EuiTitle, useEuiTheme } from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo, type ReactNode } from 'react';
import useSWR from 'swr';
import { PresenterContext } from '@/components/guide/presenter-context';
import { Link } from '@/i18n/navigation';
import type { CountsDto } from '@/lib/board/service';
import { localeFetcher, type ApiError } from '@/lib/client/api';
import './icons';

interface Neighbour {
  slug: string;
  number: number;
  title: string;
}

export interface PresenterFrameProps {
  workshop: { id: string; name: string; code: string };
  chapter: { number: number; title: string };
  previous?: Neighbour;
  next?: Neighbour;
  children: ReactNode;
}

/** How often the projected counts refresh: one small aggregate query per poll. */
const COUNTS_REFRESH_MS = 3_000;

/**
 * Presenter mode: the chapter in large type for a projector, without the guide's side bar, the
 * join code always in view, and the class's count beside each checkpoint (read by <Checkpoint>
 * through PresenterContext).
 */
export function PresenterFrame({ workshop, chapter, previous, next, children }: PresenterFrameProps) {
  const t = useTranslations('presenter');
  const locale = useLocale();
  const { euiTheme } = useEuiTheme();
  const { data, error } = useSWR<CountsDto, ApiError>(`/api/workshops/${workshop.id}/counts`, localeFetcher(locale), {
    refreshInterval: COUNTS_REFRESH_MS,
    keepPreviousData: true,
  });
  const value = useMemo(() => ({ counts: data ? { attendees: data.attendees, done: data.done } : null }), [data]);
  const base = `/instructor/${workshop.id}/present`;

  return (
    <div className="guide-presenter" data-testid="presenter" style={{ padding: euiTheme.size.xl }}>
      <EuiFlexGroup alignItems="center" justifyContent="spaceBetween" wrap>
        <EuiFlexItem grow={false}>
          <EuiTitle size="l">
            <h1 style={{ fontSize: '2.75rem', lineHeight: 1.2 }} data-testid="presenter-title">
              {t('chapterTitle', { number: chapter.number, title: chapter.title })}
            </h1>
          </EuiTitle>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiBadge color="primary" data-testid="presenter-join-code" style={{ fontSize: '1.75rem', padding: '0.5rem 1rem', lineHeight: 1.2 }}>
            {t('joinWith', { code: data?.workshop.code ?? workshop.code })}
          </EuiBadge>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiSpacer size="s" />
      <EuiFlexGroup gutterSize="s" responsive={false} wrap>
        <EuiFlexItem grow={false}>
          <Link href={`/instructor/${workshop.id}`} legacyBehavior passHref>
            <EuiButtonEmpty iconType="chevronSingleLeft" size="s" data-testid="presenter-exit">
              {t('exit')}
            </EuiButtonEmpty>
          </Link>
        </EuiFlexItem>
        {previous && (
          <EuiFlexItem grow={false}>
            <Link href={`${base}/${previous.slug}`} legacyBehavior passHref>
              <EuiButtonEmpty size="s" data-testid="presenter-previous">
                {t('previous')}: {previous.number}. {previous.title}
              </EuiButtonEmpty>
            </Link>
          </EuiFlexItem>
        )}
        {next && (
          <EuiFlexItem grow={false}>
            <Link href={`${base}/${next.slug}`} legacyBehavior passHref>
              <EuiButtonEmpty size="s" iconType="chevronSingleRight" iconSide="right" data-testid="presenter-next">
                {t('next')}: {next.number}. {next.title}
              </EuiButtonEmpty>
            </Link>
          </EuiFlexItem>
        )}
      </EuiFlexGroup>
      {error && (
        <EuiCallOut color="danger" size="s" iconType="error" title={t('countsFailed')}>
          <p>{error.message}</p>
        </EuiCallOut>
      )}
      <EuiSpacer size="l" />
      <PresenterContext.Provider value={value}>
        <div className="guide-presenter-body">{children}</div>
      </PresenterContext.Provider>
    </div>
  );
}
