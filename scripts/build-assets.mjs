// Writes the web UI as the Worker serves it: public/ copied to build/public/
// (with the vendored libraries below added under js/vendor/), with the
// scripts, the stylesheet and the icon moved under /v/<hash>/, where <hash>
// covers every byte of them, and the pages pointed there. So those
// can be cached for a year (public/_headers: /v/* is immutable), a release
// changes their URLs, and the pages themselves (/, /a/{id}) stay fresh.
//
// Run by wrangler before every start and deploy ([build] in wrangler.toml);
// several runs at once (parallel tests) write the same files, each by rename,
// and only when it changed.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, rename, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'public');
const OUT = path.join(ROOT, 'build/public');

/** Files served under /v/<hash>/: everything the pages load but the pages. */
const versioned = (rel) => /^(js\/.*\.js|[^/]+\.css|favicon\.svg)$/.test(rel);

async function walk(dir, prefix = '') {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(...await walk(path.join(dir, e.name), `${rel}/`));
    else out.push(rel);
  }
  return out.sort();
}

// Half-written files live outside the served tree, so a wrangler starting
// meanwhile never sees one.
const PARTIAL = path.join(ROOT, 'build/.partial');

async function put(rel, bytes) {
  const file = path.join(OUT, rel);
  // Unchanged files are left alone: parallel starts then write nothing.
  const old = await readFile(file).catch(() => null);
  if (old && Buffer.compare(old, Buffer.from(bytes)) === 0) return;
  await mkdir(path.dirname(file), { recursive: true });
  await mkdir(PARTIAL, { recursive: true });
  const tmp = path.join(PARTIAL, `${rel.replaceAll('/', '_')}.${process.pid}.tmp`);
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}

/**
 * Libraries from node_modules (package-lock.json pins them) served as our
 * own scripts, each loaded only by the feature that needs it.
 */
const VENDORED = {
  'js/vendor/ical.js': 'node_modules/ical.js/dist/ical.min.js', // calendar import (js/ics.js)
};

const files = [...await walk(SRC), ...Object.keys(VENDORED)].sort();
const source = (f) => (VENDORED[f] ? path.join(ROOT, VENDORED[f]) : path.join(SRC, f));
const bytes = new Map(await Promise.all(files.map(async (f) => [f, await readFile(source(f))])));
const hash = createHash('sha256');
for (const f of files.filter(versioned)) hash.update(`${f}\0${bytes.get(f).length}\0`).update(bytes.get(f));
const version = `v/${hash.digest('hex').slice(0, 12)}`;

const written = new Set();
for (const f of files) {
  if (versioned(f)) {
    await put(`${version}/${f}`, bytes.get(f));
    written.add(`${version}/${f}`);
    continue;
  }
  let body = bytes.get(f);
  if (f.endsWith('.html')) {
    // src="/js/app.js" → src="/v/<hash>/js/app.js"; every asset a page names must exist.
    body = body.toString('utf8').replace(/\b(href|src)="\/([^"#?]+)"/g, (all, attr, rel) => {
      if (!versioned(rel)) return all;
      if (!bytes.has(rel)) throw new Error(`${f} names /${rel}, which is not in public/`);
      return `${attr}="/${version}/${rel}"`;
    });
  }
  await put(f, body);
  written.add(f);
}

// Drop what an earlier run wrote and this one did not (older versions).
for (const f of await walk(OUT).catch(() => [])) {
  if (!written.has(f) && !f.endsWith('.tmp')) await rm(path.join(OUT, f), { force: true });
}
for (const dir of await readdir(path.join(OUT, 'v')).catch(() => [])) {
  if (`v/${dir}` !== version) await rm(path.join(OUT, 'v', dir), { recursive: true, force: true });
}
console.log(`build/public: ${files.length} files, assets under /${version}/`);
