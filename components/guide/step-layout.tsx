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
  // A grid, not a flex row: the step's text keeps to the top of its column however tall the panel
  // beside it is (a growing flex item centred the heading beside a tall connect form).
  return (
    <section id={id} data-step={n} data-testid="step" aria-labelledby={`${id}-title`} className="guide-step">
      <div className={aside ? 'guide-step-grid' : undefined}>
        <div className="guide-step-main">
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
        </div>
        {aside && (
          <div className="guide-step-aside">
            <aside className="guide-step-beside" data-testid="step-beside">
              {aside}
            </aside>
          </div>
        )}
      </div>
      <EuiHorizontalRule margin="l" />
    </section>
  );
}
