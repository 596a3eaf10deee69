'use client';

import { EuiBadge, EuiButtonEmpty, EuiFlexGroup, EuiFlexItem, EuiText } from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useParticipant } from '@/components/providers/participant';

/** Who is signed in (name and role) with "Sign out", or a "Join" link. */
export function SessionMenu() {
  const t = useTranslations('session');
  const locale = useLocale();
  const participant = useParticipant();
  if (!participant) {
    return (
      <EuiButtonEmpty size="s" iconType="user" href={`/${locale}/join`} data-testid="session-join">
        {t('join')}
      </EuiButtonEmpty>
    );
  }
  return (
    <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false} data-testid="session-menu" className="guide-session-menu">
      <EuiFlexItem grow={false} className="guide-session-name">
        <EuiText size="s">
          <span data-testid="session-name" title={t('signedInAs', { name: participant.name })}>
            {participant.name}
          </span>
        </EuiText>
      </EuiFlexItem>
      <EuiFlexItem grow={false} className="guide-header-wide-only">
        <EuiBadge color="hollow">{t(`roles.${participant.role}`)}</EuiBadge>
      </EuiFlexItem>
      <EuiFlexItem grow={false}>
        <EuiButtonEmpty
          size="s"
          iconType="logOut"
          data-testid="sign-out"
          onClick={async () => {
            // next-auth's client loads on demand: only signing out needs it on a chapter page.
            const { signOut } = await import('next-auth/react');
            await signOut({ callbackUrl: `/${locale}` });
          }}
        >
          <span className="guide-header-label">{t('signOut')}</span>
        </EuiButtonEmpty>
      </EuiFlexItem>
    </EuiFlexGroup>
  );
}
