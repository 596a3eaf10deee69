import remarkFrontmatter from 'remark-frontmatter';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

export interface StepOutline {
  n: number;
  title: string;
  checkpoints: string[];
  panels: string[];
  /** `<PracticeAction action>` buttons (with `@user` when the step names one). */
  actions: string[];
  /** `<BeatSetup beat part>` boxes, as `beat:part`. */
  setups: string[];
  /** Chapter 4's tools (`<ThresholdAlertBuilder />`, `<SshWatchEditor />`, `<PracticeMailbox />`), by tag. */
  tools: string[];
}

const TOOLS = new Set(['ThresholdAlertBuilder', 'SshWatchEditor', 'PracticeMailbox']);

function collectTools(node: MdxNode, into: string[]): void {
  if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name && TOOLS.has(node.name)) into.push(node.name);
  for (const child of node.children ?? []) collectTools(child, into);
}

export interface ChapterOutline {
  steps: StepOutline[];
  /** Every `<Checkpoint id>` in document order. */
  checkpoints: string[];
  panels: string[];
}

interface MdxNode {
  type: string;
  name?: string | null;
  attributes?: { type: string; name?: string; value?: unknown }[];
  children?: MdxNode[];
}

function attribute(node: MdxNode, name: string): string | undefined {
  const attr = node.attributes?.find((a) => a.type === 'mdxJsxAttribute' && a.name === name);
  if (!attr) return undefined;
  if (typeof attr.value === 'string') return attr.value;
  // `n={3}` arrives as an expression whose source text is the number.
  const expression = attr.value as { value?: string } | null | undefined;
  return expression?.value;
}

function collect(node: MdxNode, tag: string, attr: string, into: string[]): void {
  if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === tag) {
    const value = attribute(node, attr);
    if (value) into.push(value);
  }
  for (const child of node.children ?? []) collect(child, tag, attr, into);
}

function collectActions(node: MdxNode, into: string[]): void {
  if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === 'PracticeAction') {
    const action = attribute(node, 'action');
    const user = attribute(node, 'user');
    if (action) into.push(user ? `${action}@${user}` : action);
  }
  for (const child of node.children ?? []) collectActions(child, into);
}

function collectSetups(node: MdxNode, into: string[]): void {
  if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === 'BeatSetup') {
    into.push(`${attribute(node, 'beat') ?? ''}:${attribute(node, 'part') ?? 'all'}`);
  }
  for (const child of node.children ?? []) collectSetups(child, into);
}

/** Parses chapter MDX (with a real MDX parser, not regexes) into its steps, checkpoints and panels. */
export function outlineFromMdx(source: string): ChapterOutline {
  const tree = unified().use(remarkParse).use(remarkMdx).use(remarkFrontmatter).parse(source) as MdxNode;
  const steps: StepOutline[] = [];
  const walk = (node: MdxNode) => {
    if (node.type === 'mdxJsxFlowElement' && node.name === 'Step') {
      const checkpoints: string[] = [];
      const panels: string[] = [];
      const actions: string[] = [];
      const setups: string[] = [];
      const tools: string[] = [];
      collectTools(node, tools);
      collect(node, 'Checkpoint', 'id', checkpoints);
      collect(node, 'Panel', 'kind', panels);
      collectActions(node, actions);
      collectSetups(node, setups);
      steps.push({ n: Number(attribute(node, 'n')), title: attribute(node, 'title') ?? '', checkpoints, panels, actions, setups, tools });
      return;
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(tree);
  const checkpoints: string[] = [];
  const panels: string[] = [];
  collect(tree, 'Checkpoint', 'id', checkpoints);
  collect(tree, 'Panel', 'kind', panels);
  return { steps, checkpoints, panels };
}
