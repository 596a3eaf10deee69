import { Children, isValidElement, type ReactNode } from 'react';
import { StepLayout } from './step-layout';

export interface BesideProps {
  children: ReactNode;
}

/** Marks what goes in the column beside a step (live panels, checkpoints). Rendered by <Step>. */
export function Beside({ children }: BesideProps) {
  return <>{children}</>;
}

export interface StepProps {
  n: number;
  title: string;
  children?: ReactNode;
}

/**
 * A numbered step. A server component on purpose: it sorts its MDX children into the instruction
 * column and the <Beside> column before anything reaches the client.
 */
export function Step({ n, title, children }: StepProps) {
  const main: ReactNode[] = [];
  const aside: ReactNode[] = [];
  Children.forEach(children, (child) => {
    if (isValidElement<BesideProps>(child) && child.type === Beside) aside.push(child.props.children);
    else main.push(child);
  });
  return (
    <StepLayout n={n} title={title} aside={aside.length > 0 ? aside : undefined}>
      {main}
    </StepLayout>
  );
}
