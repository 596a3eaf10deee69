// EUI publishes its types for `@elastic/eui/src/...`; the tree-shakeable ES build lives under
// `@elastic/eui/es/...`. These declarations point the deep imports we use at those types.
declare module '@elastic/eui/es/components/icon/icon' {
  export { appendIconComponentCache } from '@elastic/eui/src/components/icon/icon';
}
declare module '@elastic/eui/es/components/icon/assets/*' {
  import type { FunctionComponent, SVGProps } from 'react';
  export const icon: FunctionComponent<SVGProps<SVGSVGElement> & { title?: string; titleId?: string }>;
}
declare module '@elastic/eui/es/components/code/code_block' {
  export { EuiCodeBlock } from '@elastic/eui/src/components/code/code_block';
}
declare module '@elastic/eui/es/services/emotion/css' {
  // EUI's own @emotion/css instance (its theme provider's colour-mode class); not a public export.
  export const cache: import('@emotion/cache').EmotionCache;
}
