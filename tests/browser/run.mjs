// `make browser`: every browser test file (or the files named) in turn,
// all against one server and one Chromium started here, which their
// harness finds through EB_BASE_URL and EB_BROWSER_WS. Files stay
// independent through their own appointments and their own client
// addresses (harness.mjs).
//
//   node tests/browser/run.mjs [--queue DIR] [files…]
//
// With --queue, several runners share the files: each takes the next file
// no runner has taken yet (a directory made in DIR says it is taken), so a
// runner that starts late (make test's second track, once its own work is
// done) takes part of what is left. A runner that finds nothing left ends
// without starting anything.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, ROOT, startServer } from './harness.mjs';

const args = process.argv.slice(2);
const queue = args[0] === '--queue' ? path.resolve(ROOT, args[1]) : null;
if (queue) args.splice(0, 2);
const files = args.length ? args : fs.readdirSync(path.join(ROOT, 'tests/browser'))
  .filter((f) => f.endsWith('.test.mjs')).sort().map((f) => `tests/browser/${f}`);

const taken = (file) => fs.existsSync(path.join(queue, path.basename(file)));
/** Whether this runner takes `file`: always without a queue. */
function take(file) {
  if (!queue) return true;
  try {
    fs.mkdirSync(path.join(queue, path.basename(file)));
    return true;
  } catch (e) {
    if (e.code === 'EEXIST') return false;
    throw e;
  }
}

if (queue) {
  fs.mkdirSync(queue, { recursive: true });
  if (files.every(taken)) {
    console.log('# every file is taken: nothing left for this runner');
    process.exit(0);
  }
}

const server = await startServer();
const browser = await chromium.launchServer(CHROMIUM);
const env = { ...process.env, EB_BASE_URL: server.base, EB_BROWSER_WS: browser.wsEndpoint() };

/** `node --test` over `list`, one file at a time; its exit code. */
function run(list) {
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...list], { cwd: ROOT, env, stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
}

let code = 0;
try {
  if (!queue) code = await run(files);
  else {
    let ran = 0;
    for (const file of files) {
      if (!take(file)) continue;
      ran++;
      code = (await run([file])) || code;
    }
    console.log(`# this runner ran ${ran} of ${files.length} files`);
  }
} finally {
  await browser.close();
  await server.stop();
}
process.exit(code);
