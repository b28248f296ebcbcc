/**
 * Starts a real Frontdesk for the end-to-end tests: a temporary data directory, `frontdesk
 * migrate` and `frontdesk demo` on SQLite, then `frontdesk serve` on a free port serving the
 * built SPA (frontend/dist). Exports FRONTDESK_E2E_BASE_URL (and the data dir and log file) to
 * the tests; returns the teardown that stops the server and removes the data.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

const FRONTEND = resolve(HERE, '..');
const REPO = resolve(FRONTEND, '..');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

async function waitForHealth(url: string, server: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`frontdesk serve exited (${server.exitCode}); see ${log}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`frontdesk serve did not become healthy within 60 s; see ${log}`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const external = process.env.FRONTDESK_E2E_BASE_URL;
  if (external) {
    // Against a server someone else runs (e.g. `scripts/run`): nothing to start or stop.
    return async () => undefined;
  }
  const spaDir = process.env.FRONTDESK_SPA_DIR ?? join(FRONTEND, 'dist');
  if (!existsSync(join(spaDir, 'index.html'))) {
    throw new Error(`No built SPA in ${spaDir}: run \`npm run build\` first.`);
  }
  const cli = process.env.FRONTDESK_CLI ?? join(REPO, '.venv', 'bin', 'frontdesk');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run scripts/setup-python first.`);

  const dataDir = mkdtempSync(join(tmpdir(), 'frontdesk-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FRONTDESK_ENV: 'test',
    FRONTDESK_DATA_DIR: dataDir,
    FRONTDESK_PUBLIC_URL: baseUrl,
    FRONTDESK_SPA_DIR: spaDir,
    FRONTDESK_ACCESS_LOG: 'false',
  };
  delete env.FRONTDESK_DATABASE_URL; // always the embedded SQLite of this run
  delete env.FRONTDESK_REDIS_URL;

  execFileSync(cli, ['migrate'], { cwd: REPO, env, stdio: 'ignore' });
  execFileSync(cli, ['demo'], { cwd: REPO, env, stdio: 'ignore' });

  const log = join(dataDir, 'server.log');
  const out = openSync(log, 'a');
  const server = spawn(cli, ['serve', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: REPO,
    env,
    stdio: ['ignore', out, out],
  });
  try {
    await waitForHealth(baseUrl, server, log);
  } catch (error) {
    server.kill('SIGTERM');
    throw error;
  }

  process.env.FRONTDESK_E2E_BASE_URL = baseUrl;
  process.env.FRONTDESK_E2E_DATA_DIR = dataDir;
  process.env.FRONTDESK_E2E_SERVER_LOG = log;

  return async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    if (!process.env.FRONTDESK_E2E_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
  };
}
