'use client';

import { EuiCallOut, EuiSpacer } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';

interface CalloutChildren {
  children: ReactNode;
}

/** Says in words what a screenshot of the original handout showed. */
export function Expect({ children }: CalloutChildren) {
  const t = useTranslations('callout');
  return (
    <>
      <EuiCallOut title={t('expect')} iconType="eye" color="success" size="s" data-testid="expect">
        {children}
      </EuiCallOut>
      <EuiSpacer size="m" />
    </>
  );
}

/** A visible correction of an error in the original handout. */
export function Erratum({ children }: CalloutChildren) {
  const t = useTranslations('callout');
  return (
    <>
      <EuiCallOut title={t('erratum')} iconType="pencil" color="warning" size="s" data-testid="erratum">
        {children}
      </EuiCallOut>
      <EuiSpacer size="m" />
    </>
  );
}

export interface VersionNoteProps extends CalloutChildren {
  versions: string;
}

/** Where 7.17, 8.x or 9.x clusters differ from the handout's 7.6.2. */
export function VersionNote({ versions, children }: VersionNoteProps) {
  const t = useTranslations('callout');
  return (
    <>
      <EuiCallOut
        title={t('versionNote', { versions })}
        iconType="info"
        color="primary"
        size="s"
        data-testid="version-note"
      >
        {children}
      </EuiCallOut>
      <EuiSpacer size="m" />
    </>
  );
}
