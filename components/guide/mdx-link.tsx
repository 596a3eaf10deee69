'use client';

import { EuiLink } from '@elastic/eui';
import type { AnchorHTMLAttributes } from 'react';

/** Markdown links: external ones open in a new tab with EUI's external-link affordance. */
export function MdxLink({ href = '', children }: AnchorHTMLAttributes<HTMLAnchorElement>) {
  const external = /^https?:\/\//.test(href);
  return (
    <EuiLink href={href} external={external} target={external ? '_blank' : undefined}>
      {children}
    </EuiLink>
  );
}
