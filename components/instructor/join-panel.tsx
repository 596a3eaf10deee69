'use client';

import { EuiButtonEmpty, EuiCallOut, EuiCopy, EuiFlexGroup, EuiFlexItem, EuiPanel, EuiSpacer, EuiText, EuiTitle, useEuiTheme } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import { pointsToThisComputer } from '@/lib/board/join-link';

export interface JoinPanelProps {
  workshopId: string;
  code: string;
  url: string;
  locale: string;
}

/** The join code in large type with the link and its QR code, readable from the back of the room. */
export function JoinPanel({ workshopId, code, url, locale }: JoinPanelProps) {
  const t = useTranslations('board.join');
  const { euiTheme } = useEuiTheme();
  return (
    <EuiPanel hasBorder paddingSize="l" data-testid="join-panel">
      <EuiFlexGroup alignItems="center" gutterSize="xl" wrap>
        <EuiFlexItem grow={false}>
          {/* The code is part of the URL, so the image changes when the code is edited. */}
          {/* eslint-disable-next-line @next/next/no-img-element -- an SVG made per request by our own route, not a static asset */}
          <img
            src={`/api/workshops/${workshopId}/join-qr?locale=${locale}&code=${encodeURIComponent(code)}`}
            alt={t('qrAlt', { url })}
            width={200}
            height={200}
            style={{ background: '#fff', borderRadius: euiTheme.border.radius.medium }}
            data-testid="join-qr"
          />
        </EuiFlexItem>
        <EuiFlexItem>
          <EuiTitle size="xs">
            <h2>{t('title')}</h2>
          </EuiTitle>
          <EuiText size="s" color="subdued">
            <p>{t('code')}</p>
          </EuiText>
          <p
            data-testid="join-code-large"
            style={{ fontSize: '4rem', fontWeight: euiTheme.font.weight.bold, letterSpacing: '0.15em', lineHeight: 1.1, fontFamily: euiTheme.font.familyCode }}
          >
            {code}
          </p>
          <EuiText size="s" color="subdued">
            <p>{t('link')}</p>
          </EuiText>
          <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false} wrap>
            <EuiFlexItem grow={false}>
              <EuiText size="m">
                <strong data-testid="join-url" style={{ wordBreak: 'break-all' }}>
                  {url}
                </strong>
              </EuiText>
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <EuiCopy textToCopy={url}>
                {(copy) => (
                  <EuiButtonEmpty size="s" iconType="copy" onClick={copy}>
                    {t('copy')}
                  </EuiButtonEmpty>
                )}
              </EuiCopy>
            </EuiFlexItem>
          </EuiFlexGroup>
          <EuiText size="s" color="subdued">
            <p>{t('hint')}</p>
          </EuiText>
          {pointsToThisComputer(url) && (
            <>
              <EuiSpacer size="s" />
              <EuiCallOut title={t('loopbackTitle')} color="warning" iconType="warning" size="s" data-testid="join-loopback-warning">
                <p>{t('loopbackBody', { host: new URL(url).host })}</p>
              </EuiCallOut>
            </>
          )}
        </EuiFlexItem>
      </EuiFlexGroup>
    </EuiPanel>
  );
}
