'use client';

import { EuiSpacer, EuiTab, EuiTabs } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import { useId, useState, type ReactNode } from 'react';

export interface PlatformTabsProps {
  tabs: { label: string; content: ReactNode }[];
}

export function PlatformTabs({ tabs }: PlatformTabsProps) {
  const t = useTranslations('platforms');
  const [selected, setSelected] = useState(0);
  const baseId = useId();
  return (
    <div data-testid="platforms">
      <EuiTabs size="s" aria-label={t('label')} className="guide-platform-tabs">
        {tabs.map((tab, index) => (
          <EuiTab
            key={tab.label}
            id={`${baseId}-tab-${index}`}
            isSelected={index === selected}
            onClick={() => setSelected(index)}
            aria-controls={`${baseId}-panel-${index}`}
          >
            {tab.label}
          </EuiTab>
        ))}
      </EuiTabs>
      <EuiSpacer size="s" />
      {tabs.map((tab, index) => (
        <div
          key={tab.label}
          id={`${baseId}-panel-${index}`}
          role="tabpanel"
          aria-labelledby={`${baseId}-tab-${index}`}
          hidden={index !== selected}
        >
          {tab.content}
        </div>
      ))}
    </div>
  );
}
