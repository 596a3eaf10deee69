// First Load JS of the chapter route, to the byte: the gzip (level 9) sizes of the JS files the
// app build manifest lists for `/[locale]/chapters/[slug]` and its layouts, the files `next build`
// rounds into its "First Load JS" column. Run after `npm run build`, on two builds to compare:
//   node bench/first-load-js.cjs [project-dir]
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const dir = process.argv[2] ?? '.';
const pages = JSON.parse(fs.readFileSync(path.join(dir, '.next/app-build-manifest.json'), 'utf8')).pages;
const keys = Object.keys(pages).filter((k) => k === '/[locale]/chapters/[slug]/page' || k === '/[locale]/layout' || k === '/layout');
const files = [...new Set(keys.flatMap((k) => pages[k]))].filter((f) => f.endsWith('.js'));
let total = 0;
for (const f of files) total += zlib.gzipSync(fs.readFileSync(path.join(dir, '.next', f)), { level: 9 }).length;
console.log(`${files.length} files, ${total} bytes gzipped (${(total / 1024).toFixed(2)} KiB)`);
