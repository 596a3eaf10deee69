// @ts-check
const path = require('node:path');
const createMDX = require('@next/mdx');
const createNextIntlPlugin = require('next-intl/plugin');

const withNextIntl = createNextIntlPlugin('./i18n/request.ts');

/** @type {import('next').NextConfig} */
const nextConfig = {
  pageExtensions: ['ts', 'tsx', 'mdx'],
  reactStrictMode: true,
  poweredByHeader: false,
  async headers() {
    // On every response. Pages get their Content-Security-Policy (with a per-response nonce) from
    // middleware.ts; these paths never render a page, so a policy that allows nothing is theirs.
    const everywhere = [
      { key: 'X-Content-Type-Options', value: 'nosniff' },
      { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
      { key: 'X-Frame-Options', value: 'DENY' },
      { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
    ];
    const nothing = "default-src 'none'; frame-ancestors 'none'";
    return [
      { source: '/:path*', headers: everywhere },
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: nothing }] },
      // Files (icon.svg, Next's chunks) and the 404 answered for unknown files: no script, its own styles.
      {
        source: '/:file((?!api/).*\\.[A-Za-z0-9]+)',
        headers: [{ key: 'Content-Security-Policy', value: `${nothing}; img-src 'self'; style-src 'unsafe-inline'` }],
      },
    ];
  },
  // `npm test` runs ESLint and `tsc --noEmit` on their own; building does not repeat them.
  eslint: { ignoreDuringBuilds: true },
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // Starts the embedded practice cluster beside the app (instrumentation.ts).
    instrumentationHook: true,
    // Load every route's code when the server starts, not on the route's first request: a class's
    // pages open together, and the channel's first requests otherwise wait behind loading it
    // (`NEXT_PRELOAD_ENTRIES=false` turns it off; bench/cold-start.ts compares the two).
    preloadEntriesOnStart: process.env.NEXT_PRELOAD_ENTRIES !== 'false',
    // Keep the Elasticsearch clients and the embedded database out of the server bundle.
    serverComponentsExternalPackages: ['es7', 'es8', '@electric-sql/pglite', 'pg'],
    optimizePackageImports: ['@elastic/eui', '@elastic/charts'],
    // `NEXT_SERVER_MINIFY=false npm run build` keeps function names in the server bundle, so a CPU
    // profile (`npm run bench:class -- --profile`) names the app's own functions.
    serverMinification: process.env.NEXT_SERVER_MINIFY !== 'false',
  },
  webpack(config, { isServer }) {
    config.resolve.alias = {
      ...config.resolve.alias,
      refractor$: path.join(__dirname, 'lib/vendor/refractor-lite.js'),
      // EUI's theme imports one helper from the CommonJS `lodash` barrel, which pulls all of lodash
      // (about 25 KB gzipped) into every page; the ES build of the same functions tree-shakes.
      ...(isServer ? {} : { lodash$: 'lodash-es' }),
    };
    // EUI's predicates import moment for `isMoment`, which the guide never calls; moment declares
    // no `sideEffects`, so webpack would keep all of it (about 18 KB gzipped) on every page.
    config.module.rules.push({ test: /[\\/]node_modules[\\/]moment[\\/]/, sideEffects: false });
    return config;
  },
};

// The remark plugins are ESM-only, so they are loaded with import() inside the async config.
module.exports = async () => {
  const { default: remarkFrontmatter } = await import('remark-frontmatter');
  const { default: remarkMdxFrontmatter } = await import('remark-mdx-frontmatter');
  const withMDX = createMDX({
    options: {
      remarkPlugins: [remarkFrontmatter, [remarkMdxFrontmatter, { name: 'frontmatter' }]],
    },
  });
  return withNextIntl(withMDX(nextConfig));
};
