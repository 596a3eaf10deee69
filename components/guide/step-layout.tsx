'use client';

import { EuiButtonIcon, EuiFlexGroup, EuiFlexItem, EuiHorizontalRule, EuiStepNumber, EuiTitle } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';

export interface StepLayoutProps {
  n: number;
  title: string;
  aside?: ReactNode;
  children: ReactNode;
}

export function StepLayout({ n, title, aside, children }: StepLayoutProps) {
  const t = useTranslations('step');
  const id = `step-${n}`;
  return (
    <section id={id} data-step={n} data-testid="step" aria-labelledby={`${id}-title`} className="guide-step">
      <EuiFlexGroup gutterSize="l" wrap responsive>
        <EuiFlexItem grow={3} style={{ minWidth: 320 }}>
          <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false}>
            <EuiFlexItem grow={false}>
              <EuiStepNumber number={n} titleSize="s" aria-hidden />
            </EuiFlexItem>
            <EuiFlexItem>
              <EuiTitle size="s">
                <h3 id={`${id}-title`}>
                  <span className="euiScreenReaderOnly">{t('label', { n })}: </span>
                  {title}
                </h3>
              </EuiTitle>
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <EuiButtonIcon iconType="link" href={`#${id}`} aria-label={t('anchor', { n })} color="text" size="xs" />
            </EuiFlexItem>
          </EuiFlexGroup>
          <div className="guide-step-body">{children}</div>
        </EuiFlexItem>
        {aside && (
          <EuiFlexItem grow={2} style={{ minWidth: 280 }}>
            <aside className="guide-step-beside" data-testid="step-beside">
              {aside}
            </aside>
          </EuiFlexItem>
        )}
      </EuiFlexGroup>
      <EuiHorizontalRule margin="l" />
    </section>
  );
}
