// `make browser`: every browser test file (or the files named) in turn,
// all against one server and one Chromium started here, which their
// harness finds through EB_BASE_URL and EB_BROWSER_WS. Files stay
// independent through their own appointments and their own client
// addresses (harness.mjs).
//
//   node tests/browser/run.mjs [files or globs…]
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { CHROMIUM, ROOT, startServer } from './harness.mjs';

const files = process.argv.slice(2);
const server = await startServer();
const browser = await chromium.launchServer(CHROMIUM);
let code = 1;
try {
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1',
    ...(files.length ? files : ['tests/browser/*.test.mjs'])], {
    cwd: ROOT,
    env: { ...process.env, EB_BASE_URL: server.base, EB_BROWSER_WS: browser.wsEndpoint() },
    stdio: 'inherit',
  });
  code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
} finally {
  await browser.close();
  await server.stop();
}
process.exit(code);
