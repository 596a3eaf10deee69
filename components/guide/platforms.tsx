import { Children, isValidElement, type ReactNode } from 'react';
import { PlatformTabs } from './platform-tabs';

export interface PlatformProps {
  label: string;
  children: ReactNode;
}

/** One operating system's instructions inside <Platforms>. Rendered by <Platforms>. */
export function Platform({ children }: PlatformProps) {
  return <>{children}</>;
}

export interface PlatformsProps {
  children: ReactNode;
}

/** Per-OS tabs. A server component so the tab labels are read from the MDX before hydration. */
export function Platforms({ children }: PlatformsProps) {
  const tabs: { label: string; content: ReactNode }[] = [];
  Children.forEach(children, (child) => {
    if (isValidElement<PlatformProps>(child) && child.type === Platform) {
      tabs.push({ label: child.props.label, content: child.props.children });
    }
  });
  return <PlatformTabs tabs={tabs} />;
}
