'use client';

import { EuiButtonEmpty, EuiFlexGroup, EuiFlexItem, EuiText, copyToClipboard } from '@elastic/eui';
import dynamic from 'next/dynamic';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';

// Syntax highlighting (EUI's code block with its Prism grammars) is the heaviest widget on a chapter
// page: it is rendered on the server as usual, and its script loads after the page's first load.
const EuiCodeBlock = dynamic(() => import('@elastic/eui/es/components/code/code_block').then((codeBlock) => codeBlock.EuiCodeBlock));

/** Trims the blank first/last line that template-literal children carry in MDX. */
function clean(code: string): string {
  return code.replace(/^\s*\n/, '').replace(/\n\s*$/, '');
}

async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API refused (insecure origin or permissions): EUI's execCommand fallback.
    return copyToClipboard(text);
  }
}

interface CopyableProps {
  code: string;
  language: string;
  label: string;
  copyLabel: string;
  testId: string;
}

function CopyableCode({ code, language, label, copyLabel, testId }: CopyableProps) {
  const t = useTranslations('command');
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <div data-testid={testId} className="guide-code">
      <EuiFlexGroup gutterSize="s" alignItems="center" justifyContent="spaceBetween" responsive={false}>
        <EuiFlexItem grow={false}>
          <EuiText size="xs" color="subdued">
            <span>{label}</span>
          </EuiText>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButtonEmpty
            size="xs"
            iconType={copied ? 'check' : 'copy'}
            data-testid="copy-button"
            aria-live="polite"
            onClick={async () => setCopied(await writeClipboard(code))}
          >
            {copied ? t('copied') : copyLabel}
          </EuiButtonEmpty>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiCodeBlock language={language} fontSize="m" paddingSize="m" overflowHeight={480} data-code>
        {code}
      </EuiCodeBlock>
    </div>
  );
}

export interface CommandProps {
  children: string;
}

/** A shell command with a copy button; the copied text is exactly the command, without a prompt. */
export function Command({ children }: CommandProps) {
  const t = useTranslations('command');
  return <CopyableCode code={clean(children)} language="bash" label={t('shell')} copyLabel={t('copy')} testId="command" />;
}

export interface ConfigProps {
  file: string;
  language?: 'yaml' | 'json' | 'text';
  children: string;
}

export function Config({ file, language = 'yaml', children }: ConfigProps) {
  const t = useTranslations('config');
  return (
    <CopyableCode code={clean(children)} language={language} label={t('file', { file })} copyLabel={t('copy')} testId="config" />
  );
}

export interface CopyableValueProps {
  label: string;
  children: string;
}

/** A value to paste somewhere (an API key), with a copy button; not a command to run. */
export function CopyableValue({ label, children }: CopyableValueProps) {
  const t = useTranslations('config');
  return <CopyableCode code={clean(children)} language="text" label={label} copyLabel={t('copyValue')} testId="value" />;
}

export interface OutputProps {
  children: string;
}

export function Output({ children }: OutputProps) {
  const t = useTranslations('output');
  return (
    <div data-testid="output" className="guide-code">
      <EuiText size="xs" color="subdued">
        <span>{t('label')}</span>
      </EuiText>
      <EuiCodeBlock language="text" fontSize="m" paddingSize="m" transparentBackground>
        {clean(children)}
      </EuiCodeBlock>
    </div>
  );
}
