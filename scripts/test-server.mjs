// The one way the tests, the browser tests, the conformance run and the
// bench start a server: `wrangler dev --local` on a free loopback port.
//
//   node scripts/test-server.mjs [--persist DIR] [--port N] [--log FILE]
//        [--root CHECKOUT] [--var NAME:VALUE]... [-- more wrangler dev flags]
//
// prints `READY http://127.0.0.1:PORT` on stdout once this wrangler said it
// is ready and GET /api/health answers 200, and runs until SIGTERM, SIGINT
// or the end of its stdin (its caller died); then it stops wrangler's whole
// process group (node and workerd), TERM first and KILL after 10 s. Started
// as the leader of a process group of its own (what every caller does),
// wrangler shares that group, so SIGKILL to the group kills all at once.
//
// What every start used to repeat is done once:
// - the D1 migrations are applied once into a template persist directory
//   (target/test-server/, keyed by the migrations and wrangler's version)
//   that each new persist directory is copied from;
// - the web UI (public/ → build/public/) is built only when a file under
//   public/ changed since the last build, not by wrangler's [build] on
//   every start (SKIP_ASSETS_BUILD);
// - the Worker is never built here (SKIP_WORKER_BUILD): build it first.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync, cpSync, existsSync, fstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync,
  renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The checkout the server runs from: this one, or another one's build
// (--root, for the bench to compare two builds).
let ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let WORK;
let ENV;
function settle(root) {
  ROOT = root;
  WORK = path.join(ROOT, 'target/test-server');
  ENV = {
    ...process.env,
    PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
    SKIP_WORKER_BUILD: '1',
    SKIP_ASSETS_BUILD: '1',
    WRANGLER_SEND_METRICS: 'false',
    NO_COLOR: '1',
    CI: 'true',
  };
}

function parseArgs(argv) {
  const opts = { vars: [], flags: [], port: 0, persist: '', log: '', root: ROOT };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--') { opts.flags = argv.slice(i + 1); break; }
    const value = argv[++i];
    if (value === undefined) fail(`${a} needs a value`);
    if (a === '--var') opts.vars.push(value);
    else if (a === '--port') opts.port = Number(value);
    else if (a === '--persist') opts.persist = path.resolve(value);
    else if (a === '--log') opts.log = path.resolve(value);
    else if (a === '--root') opts.root = path.resolve(value);
    else fail(`unknown option ${a}`);
  }
  return opts;
}

function fail(message) {
  process.stderr.write(`test-server: ${message}\n`);
  process.exit(2);
}

/** Runs a command to its end; throws with its output when it fails. */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
}

function hashTree(hash, dir) {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) { hashTree(hash, file); continue; }
    const st = statSync(file);
    hash.update(`${path.relative(ROOT, file)}\0${st.size}\0${st.mtimeMs}\0`);
  }
  return hash;
}

/** Writes build/public/ when public/ (or the script that builds it) changed. */
function buildAssets() {
  const hash = hashTree(createHash('sha256'), path.join(ROOT, 'public'));
  hash.update(readFileSync(path.join(ROOT, 'scripts/build-assets.mjs')));
  const stamp = path.join(ROOT, 'build/.assets-stamp');
  const want = hash.digest('hex');
  const have = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  if (have === want && existsSync(path.join(ROOT, 'build/public/index.html'))) return;
  // Parallel starts may both build: build-assets.mjs writes by rename.
  run('node', ['scripts/build-assets.mjs']);
  writeFileSync(`${stamp}.${process.pid}`, want);
  renameSync(`${stamp}.${process.pid}`, stamp);
}

/** The persist directory with every migration applied, made once. */
function template() {
  // Keyed by the migrations and by wrangler's version, which owns the format.
  const hash = createHash('sha256');
  hash.update(readFileSync(path.join(ROOT, 'node_modules/wrangler/package.json')));
  for (const name of readdirSync(path.join(ROOT, 'migrations')).sort()) {
    hash.update(`${name}\0`).update(readFileSync(path.join(ROOT, 'migrations', name)));
  }
  const dir = path.join(WORK, `d1-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(dir)) return dir;
  mkdirSync(WORK, { recursive: true });
  const partial = mkdtempSync(path.join(WORK, 'partial-'));
  run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', partial]);
  try {
    renameSync(partial, dir);
  } catch (e) {
    // A parallel start made it first: theirs is the same.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(dir)) throw e;
  }
  return dir;
}

function canListen(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

// A port the kernel hands out for listen(0) is free only until it closes,
// and wrangler binds ports of that kind itself (inspector, workerd's own
// sockets). So ports come from below the ephemeral range, and a start that
// still loses the race ("Address already in use") is tried on another.
async function freePort() {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch { /* not Linux: keep the usual range */ }
  for (let i = 0; i < 500 && low > 11000; i += 1) {
    const port = 10000 + Math.floor(Math.random() * (low - 10000));
    if (await canListen(port)) return port;
  }
  throw new Error('no free port below the ephemeral range');
}

/** Whether this process leads its own process group. */
function leadsGroup() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === process.pid;
  } catch { return false; }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * One start of wrangler: resolves {ok: true, base, child} once healthy, or
 * {ok: false, output} when it exited before.
 */
async function startOnce(opts, port, shared) {
  const args = ['dev', '--local', '--ip', '127.0.0.1', '--port', String(port),
    '--persist-to', opts.persist, '--show-interactive-dev-session=false', '--inspector-port', '0'];
  for (const v of opts.vars) args.push('--var', v);
  args.push(...opts.flags);
  // In the caller's group, so one signal reaches everything; else in its own.
  const child = spawn('wrangler', args, { cwd: ROOT, env: ENV, detached: !shared, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const take = (d) => { output += d; if (opts.log) appendFileSync(opts.log, d); };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  let exited = false;
  child.on('exit', () => { exited = true; });
  const base = `http://127.0.0.1:${port}`;
  // At --log-level warn and above wrangler never prints "Ready on".
  const quiet = opts.flags.some((f) => /^--log-level(=|$)/.test(f));
  const deadline = Date.now() + 90000;
  for (;;) {
    if (exited) return { ok: false, output };
    // Only this wrangler's own "Ready on" counts: the port may since have
    // been taken by another process that also answers HTTP.
    if (quiet || output.includes(`Ready on ${base}`)) {
      try {
        if ((await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) })).status === 200) {
          return { ok: true, base, child };
        }
      } catch { /* not up yet */ }
    }
    if (Date.now() > deadline) {
      stopGroup(child, shared);
      return { ok: false, output: `GET /api/health did not answer 200 within 90 s:\n${output}` };
    }
    await sleep(150);
  }
}

function stopGroup(child, shared) {
  const target = shared ? 0 : -child.pid;
  try { process.kill(target, 'SIGTERM'); } catch { /* gone */ }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  settle(opts.root);
  const shared = leadsGroup();
  buildAssets();
  const own = !opts.persist;
  if (own) opts.persist = mkdtempSync(path.join(tmpdir(), 'eb-server-'));
  // A directory that already holds state (a restart) keeps it.
  if (!existsSync(path.join(opts.persist, 'v3'))) {
    cpSync(template(), opts.persist, { recursive: true });
  }
  let started;
  for (let attempt = 1; ; attempt += 1) {
    const port = attempt === 1 && opts.port && await canListen(opts.port) ? opts.port : await freePort();
    started = await startOnce(opts, port, shared);
    if (started.ok) break;
    if (attempt >= 5 || !started.output.includes('Address already in use')) {
      process.stderr.write(`wrangler dev exited before it was healthy:\n${started.output}\n`);
      process.exit(1);
    }
    process.stderr.write(`port ${port} was taken; starting wrangler on another\n`);
  }
  const { child } = started;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // TERM reaches this process too when it shares the group: it is handled.
    stopGroup(child, shared);
    const end = Date.now() + 10000;
    while (child.exitCode === null && child.signalCode === null && Date.now() < end) await sleep(50);
    if (own) rmSync(opts.persist, { recursive: true, force: true });
    // Whatever is left (workerd) goes now; in a shared group, this process with it.
    try { process.kill(shared ? 0 : -child.pid, 'SIGKILL'); } catch { /* gone */ }
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // A caller that holds a pipe to stdin stops the server by dying.
  if (fstatSync(0).isFIFO()) {
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`wrangler dev exited (${code ?? signal})\n`);
      process.exit(1);
    }
  });
  process.stdout.write(`READY ${started.base}\n`);
}

main().catch((e) => { process.stderr.write(`${e.stack ?? e}\n`); process.exit(1); });
