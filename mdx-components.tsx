import type { MDXComponents } from 'mdx/types';
import { Erratum, Expect, VersionNote } from '@/components/guide/callouts';
import { Checkpoint } from '@/components/guide/checkpoint';
import { Command, Config, Output } from '@/components/guide/code-blocks';
import { MdxLink } from '@/components/guide/mdx-link';
import { Panel } from '@/components/guide/panel';
import { Platform, Platforms } from '@/components/guide/platforms';
import { PracticeAction } from '@/components/guide/practice-action';
import { Beside, Step } from '@/components/guide/step';

/**
 * Placeholder until issue 5's `<BeatSetup beat>` (lib/beats) is merged, which replaces this entry:
 * chapter 3 already places the tag, and MDX fails on a tag without a mapping.
 */
function BeatSetup(_props: { beat: 'metricbeat' | 'filebeat' }) {
  return null;
}

/** The tags chapter MDX may use; content/ never imports components itself. */
const guideComponents = {
  BeatSetup,
  Step,
  Beside,
  Command,
  Config,
  Output,
  Platforms,
  Platform,
  Checkpoint,
  Panel,
  PracticeAction,
  Expect,
  Erratum,
  VersionNote,
  a: MdxLink,
};

export function useMDXComponents(components: MDXComponents): MDXComponents {
  return { ...components, ...guideComponents } as MDXComponents;
}
