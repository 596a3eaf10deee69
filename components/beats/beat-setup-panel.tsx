'use client';

import {
  EuiBadge,
  EuiButton,
  EuiButtonEmpty,
  EuiButtonGroup,
  EuiCallOut,
  EuiCode,
  EuiFlexGroup,
  EuiFlexItem,
  EuiPanel,
  EuiSelect,
  EuiSkeletonText,
  EuiSpacer,
  EuiTab,
  EuiTabs,
  EuiText,
  EuiTitle,
} from '@elastic/eui';
import { icon as key } from '@elastic/eui/es/components/icon/assets/key';
import { icon as trash } from '@elastic/eui/es/components/icon/assets/trash';
import { appendIconComponentCache } from '@elastic/eui/es/components/icon/icon';
import { useLocale, useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import useSWR from 'swr';
import type { BeatSetupPart } from '@/components/guide/beat-setup';
import { Command, Config, CopyableValue } from '@/components/guide/code-blocks';
import { useParticipant } from '@/components/providers/participant';
import { Link } from '@/i18n/navigation';
import { beatTitle, INSTALL_PLATFORMS, type BeatName, type CpuArch } from '@/lib/beats/beats';
import { PASSWORD_PLACEHOLDER, type BeatAuthChoice } from '@/lib/beats/config';
import type { BeatApiKeyView, BeatSetupDto, CreatedBeatApiKeyDto } from '@/lib/beats/service';
import { apiSend, localeFetcher, type ApiError } from '@/lib/client/api';
import { useTimeFormat } from '@/lib/client/time';
import { usePlatformChoice } from './platform-choice';

// This module loads after the page; its own icons are registered before it first renders.
appendIconComponentCache({ key, trash });

function ErrorNote({ error, title }: { error: ApiError; title: string }) {
  return (
    <EuiCallOut title={title} color="danger" iconType="error" size="s" data-testid="beat-setup-error" data-code={error.code}>
      <p>{error.message}</p>
      {error.hint && <p>{error.hint}</p>}
    </EuiCallOut>
  );
}

function InstallPart({ setup }: { setup: BeatSetupDto }) {
  const t = useTranslations('beats');
  const [platform, setPlatform] = usePlatformChoice();
  const [arch, setArch] = useState<CpuArch>('x86_64');
  const baseId = useId();
  const title = beatTitle(setup.beat);

  if (!setup.install || !setup.version) {
    return (
      <EuiCallOut size="s" color="warning" iconType="warning" title={t('versionUnknown', { beat: title })} data-testid="beat-install-unknown">
        <p>{t('versionUnknownHint')}</p>
      </EuiCallOut>
    );
  }
  const current = setup.install.find((p) => p.id === platform) ?? setup.install[0]!;
  const variant = current.variants.find((v) => v.arch === arch) ?? current.variants[0]!;
  return (
    <div data-testid="beat-install" data-version={setup.version} data-platform={current.id} data-arch={variant.arch}>
      <EuiText size="s">
        <p>{t('versionMatches', { beat: title, version: setup.version, cluster: setup.clusterVersion ?? setup.version })}</p>
      </EuiText>
      <EuiSpacer size="s" />
      <EuiTabs size="s" aria-label={t('platform')}>
        {setup.install.map((p, index) => (
          <EuiTab
            key={p.id}
            id={`${baseId}-tab-${index}`}
            isSelected={p.id === current.id}
            onClick={() => setPlatform(p.id)}
            data-testid={`beat-install-tab-${p.id}`}
          >
            {t(`platforms.${p.id}`)}
          </EuiTab>
        ))}
      </EuiTabs>
      <EuiSpacer size="s" />
      {current.variants.length > 1 && (
        <>
          <EuiButtonGroup
            legend={t('arch')}
            buttonSize="compressed"
            idSelected={`${baseId}-${variant.arch}`}
            onChange={(id) => setArch(id.endsWith('aarch64') ? 'aarch64' : 'x86_64')}
            options={current.variants.map((v) => ({ id: `${baseId}-${v.arch}`, label: t(`archs.${current.id === 'macos-tar' ? 'mac' : 'linux'}.${v.arch}`) }))}
          />
          <EuiSpacer size="s" />
        </>
      )}
      {variant.commands.map((command) => (
        <Command key={command}>{command}</Command>
      ))}
      <EuiText size="xs" color="subdued">
        <p>
          {t.rich('configPath', { path: variant.configPath, code: (chunks) => <EuiCode>{chunks}</EuiCode> })}
        </p>
      </EuiText>
    </div>
  );
}

function Privileges({ setup }: { setup: BeatSetupDto }) {
  const t = useTranslations('beats');
  const role = setup.apiKey.role;
  const explain = (privilege: string) => (t.has(`privileges.${privilege}`) ? t(`privileges.${privilege}`) : '');
  return (
    <EuiText size="xs" data-testid="beat-api-key-privileges">
      <p>{t('privilegesLead', { beat: beatTitle(setup.beat), days: Number.parseInt(setup.apiKey.expiration, 10) })}</p>
      <ul>
        {role.cluster.map((privilege) => (
          <li key={privilege}>
            <EuiCode>{privilege}</EuiCode> ({t('onCluster')}): {explain(privilege)}
          </li>
        ))}
        {role.indices.flatMap((group) =>
          group.privileges.map((privilege) => (
            <li key={`${group.names.join(',')}-${privilege}`}>
              <EuiCode>{privilege}</EuiCode> ({t('onIndices', { names: group.names.join(', ') })}): {explain(privilege)}
            </li>
          )),
        )}
      </ul>
      <p>{t('privilegesNot')}</p>
    </EuiText>
  );
}

/**
 * The keys made for this Beat, newest first, each with a revoke button. A plain list rather than
 * EuiBasicTable: the table's date formatting would pull moment into every chapter's first load.
 */
function KeyList({ keys, onRevoke, busyId }: { keys: BeatApiKeyView[]; onRevoke: (id: string) => void; busyId: string | null }) {
  const t = useTranslations('beats');
  const time = useTimeFormat();
  if (keys.length === 0) return null;
  return (
    <div data-testid="beat-api-keys">
      <EuiTitle size="xxxs">
        <h5>{t('keysCaption')}</h5>
      </EuiTitle>
      <ul className="guide-beat-keys">
        {keys.map((item) => (
          <li key={item.id} data-testid="beat-api-key-row" data-key-id={item.id}>
            <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false}>
              <EuiFlexItem style={{ minWidth: 0 }}>
                <EuiText size="xs">
                  <span className="eui-textBreakAll">{item.name}</span>
                  <br />
                  <span>{t('keyCreatedAt', { time: time.format(item.createdAt, 'shortDateTime') })}</span>
                </EuiText>
              </EuiFlexItem>
              <EuiFlexItem grow={false}>
                <EuiButtonEmpty
                  size="xs"
                  color="danger"
                  iconType="trash"
                  isLoading={busyId === item.id}
                  onClick={() => onRevoke(item.id)}
                  aria-label={t('revokeNamed', { name: item.name })}
                  data-testid="beat-api-key-revoke"
                >
                  {t('revoke')}
                </EuiButtonEmpty>
              </EuiFlexItem>
            </EuiFlexGroup>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ConfigPart({ setup, onChanged }: { setup: BeatSetupDto; onChanged: () => Promise<unknown> }) {
  const t = useTranslations('beats');
  const locale = useLocale();
  const [platform, setPlatform] = usePlatformChoice();
  const [choice, setChoice] = useState<BeatAuthChoice>(setup.apiKey.canCreate ? 'api_key' : 'password');
  const [created, setCreated] = useState<CreatedBeatApiKeyDto | null>(null);
  const [busy, setBusy] = useState<'create' | string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const baseId = useId();
  const title = beatTitle(setup.beat);

  const create = async () => {
    setBusy('create');
    setError(null);
    try {
      setCreated(await apiSend<CreatedBeatApiKeyDto>('POST', `/api/beats/${setup.beat}/api-key`, locale));
      await onChanged();
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(null);
    }
  };
  const revoke = async (id: string) => {
    if (!window.confirm(t('revokeConfirm'))) return;
    setBusy(id);
    setError(null);
    try {
      await apiSend('DELETE', `/api/beats/${setup.beat}/api-key/${encodeURIComponent(id)}`, locale);
      if (created?.key.id === id) setCreated(null);
      await onChanged();
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(null);
    }
  };

  const config = choice === 'api_key' ? (created?.config ?? setup.config.api_key) : setup.config.password;
  return (
    <div data-testid="beat-config-part" data-choice={choice}>
      <EuiButtonGroup
        legend={t('authChoice')}
        buttonSize="compressed"
        isFullWidth
        idSelected={`${baseId}-${choice}`}
        onChange={(id) => setChoice(id.endsWith('api_key') ? 'api_key' : 'password')}
        options={[
          { id: `${baseId}-api_key`, label: t('choiceApiKey') },
          { id: `${baseId}-password`, label: t('choicePassword') },
        ]}
      />
      <EuiSpacer size="s" />
      {choice === 'api_key' ? (
        <>
          <Privileges setup={setup} />
          <EuiSpacer size="s" />
          {setup.apiKey.canCreate ? (
            <EuiButton size="s" iconType="key" onClick={create} isLoading={busy === 'create'} data-testid="beat-api-key-create">
              {t('createKey', { beat: title })}
            </EuiButton>
          ) : (
            <EuiCallOut size="s" color="warning" iconType="warning" title={t('cannotCreate')} data-testid="beat-api-key-unavailable">
              <p>{t('cannotCreateHint')}</p>
            </EuiCallOut>
          )}
          {created && (
            <>
              <EuiSpacer size="s" />
              <EuiCallOut size="s" color="success" iconType="key" title={t('createdTitle')} data-testid="beat-api-key-created" data-key-id={created.key.id}>
                <p>{t('createdOnce', { name: created.key.name })}</p>
                <div data-testid="beat-api-key-secret">
                  <CopyableValue label={t('keyLabel')}>{created.apiKey}</CopyableValue>
                </div>
              </EuiCallOut>
            </>
          )}
          {error && (
            <>
              <EuiSpacer size="s" />
              <ErrorNote error={error} title={t('keyFailed')} />
            </>
          )}
          <EuiSpacer size="s" />
          <KeyList keys={setup.apiKey.active} onRevoke={revoke} busyId={busy} />
        </>
      ) : (
        <EuiText size="xs">
          <p>{t('passwordNote', { placeholder: PASSWORD_PLACEHOLDER })}</p>
        </EuiText>
      )}
      <EuiSpacer size="s" />
      <EuiText size="s">
        <p>{t(choice === 'api_key' ? 'configLeadApiKey' : 'configLeadPassword', { file: setup.configFile })}</p>
      </EuiText>
      <div data-testid="beat-config" data-filled={String(choice === 'password' || created !== null)}>
        <Config file={setup.configFile}>{config}</Config>
      </div>
      <EuiSpacer size="s" />
      <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false} wrap>
        <EuiFlexItem grow={false}>
          <EuiText size="s">
            <p>{t(choice === 'api_key' ? 'setupLeadApiKey' : 'setupLeadPassword', { beat: setup.beat, placeholder: PASSWORD_PLACEHOLDER })}</p>
          </EuiText>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiSelect
            compressed
            aria-label={t('platform')}
            value={platform}
            onChange={(e) => setPlatform(e.target.value as typeof platform)}
            options={INSTALL_PLATFORMS.map((id) => ({ value: id, text: t(`platforms.${id}`) }))}
          />
        </EuiFlexItem>
      </EuiFlexGroup>
      <div data-testid="beat-setup-command">
        <Command>{setup.setup[platform][choice]}</Command>
      </div>
    </div>
  );
}

export interface BeatSetupPanelProps {
  beat: BeatName;
  part: BeatSetupPart;
}

/** The live half of <BeatSetup>: filled in from `GET /api/beats/{beat}/setup` for the signed-in participant. */
export default function BeatSetupPanel({ beat, part }: BeatSetupPanelProps) {
  const t = useTranslations('beats');
  const locale = useLocale();
  const participant = useParticipant();
  const { data, error, isLoading, mutate } = useSWR<BeatSetupDto, ApiError>(participant ? `/api/beats/${beat}/setup` : null, localeFetcher(locale), {
    revalidateOnFocus: false,
  });
  const title = beatTitle(beat);

  let state: string;
  let body;
  if (!participant) {
    state = 'signed-out';
    body = (
      <EuiText size="s">
        <p>
          {t.rich('signedOut', { beat: title, join: (chunks) => <Link href="/join">{chunks}</Link> })}
        </p>
      </EuiText>
    );
  } else if (error?.code === 'not_connected') {
    state = 'not-connected';
    body = (
      <EuiText size="s">
        <p>{t.rich('notConnected', { beat: title, chapter: (chunks) => <Link href="/chapters/cluster">{chunks}</Link> })}</p>
      </EuiText>
    );
  } else if (error && !data) {
    state = 'error';
    body = <ErrorNote error={error} title={t('failed')} />;
  } else if (isLoading || !data) {
    state = 'loading';
    body = <EuiSkeletonText lines={3} />;
  } else {
    state = 'ready';
    body = (
      <>
        {part !== 'config' && <InstallPart setup={data} />}
        {part === 'all' && <EuiSpacer size="m" />}
        {part !== 'install' && <ConfigPart setup={data} onChanged={() => mutate()} />}
      </>
    );
  }

  return (
    <EuiPanel hasBorder paddingSize="m" data-testid={`beat-setup-${beat}`} data-part={part} data-state={state} className="guide-beat-setup">
      <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false}>
        <EuiFlexItem>
          <EuiTitle size="xxs">
            <h4>{t(part === 'config' ? 'titleConfig' : 'titleInstall', { beat: title })}</h4>
          </EuiTitle>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiBadge color="hollow">{t('forYou')}</EuiBadge>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiSpacer size="s" />
      {body}
    </EuiPanel>
  );
}
