import type { MDXComponents } from 'mdx/types';
import { BeatSetup } from '@/components/guide/beat-setup';
import { Erratum, Expect, VersionNote } from '@/components/guide/callouts';
import { ChapterDone } from '@/components/guide/chapter-progress';
import { Checkpoint } from '@/components/guide/checkpoint';
import { Command, Config, Output } from '@/components/guide/code-blocks';
import { MdxLink } from '@/components/guide/mdx-link';
import { FlightsDownload, FlightsImport, MlAnswer, MlJobWizard } from '@/components/guide/ml-lab';
import { Panel } from '@/components/guide/panel';
import { Platform, Platforms } from '@/components/guide/platforms';
import { PracticeAction } from '@/components/guide/practice-action';
import { PracticeChoice } from '@/components/guide/practice-choice';
import { Beside, Step } from '@/components/guide/step';
import { PracticeMailbox, SshWatchEditor, ThresholdAlertBuilder } from '@/components/guide/watch-tools';

/** The tags chapter MDX may use; content/ never imports components itself. */
const guideComponents = {
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
  PracticeChoice,
  ChapterDone,
  BeatSetup,
  // Chapter 4: the threshold-alert builder, the SSH watch editor and the practice mailbox.
  ThresholdAlertBuilder,
  SshWatchEditor,
  PracticeMailbox,
  Expect,
  Erratum,
  VersionNote,
  FlightsDownload,
  FlightsImport,
  MlJobWizard,
  MlAnswer,
  a: MdxLink,
};

export function useMDXComponents(components: MDXComponents): MDXComponents {
  return { ...components, ...guideComponents } as MDXComponents;
}
