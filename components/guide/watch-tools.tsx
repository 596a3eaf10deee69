'use client';

import { EuiPanel, EuiSkeletonText } from '@elastic/eui';
import dynamic from 'next/dynamic';
import { usePresenter } from './presenter-context';

/**
 * Chapter 4's tools beside the steps: the threshold-alert builder, the SSH watch editor and the
 * practice mailbox. Each loads after the page (forms, charts), so the chapter's first load stays
 * small; on the projector they would act on the presenter's own cluster, so presenter mode hides them.
 */

function Loading({ testId }: { testId: string }) {
  return (
    <EuiPanel hasBorder paddingSize="m" data-testid={testId} data-loading="true">
      <EuiSkeletonText lines={4} />
    </EuiPanel>
  );
}

const Builder = dynamic(() => import('@/components/watches/threshold-builder'), { ssr: false, loading: () => <Loading testId="threshold-builder" /> });
const Editor = dynamic(() => import('@/components/watches/ssh-watch-editor'), { ssr: false, loading: () => <Loading testId="ssh-watch-editor" /> });
const Mailbox = dynamic(() => import('@/components/watches/practice-mailbox'), { ssr: false });

export function ThresholdAlertBuilder() {
  return usePresenter() ? null : <Builder />;
}

export function SshWatchEditor() {
  return usePresenter() ? null : <Editor />;
}

export function PracticeMailbox() {
  return usePresenter() ? null : <Mailbox />;
}
