'use client';

import { EuiText } from '@elastic/eui';
import type { ReactNode } from 'react';

/** EUI typography for the chapter's markdown (paragraphs, lists, headings, inline code). */
export function ChapterBody({ children }: { children: ReactNode }) {
  return (
    <EuiText size="m" className="guide-chapter-body" data-testid="chapter-body">
      {children}
    </EuiText>
  );
}
