// Fails when src/gql is stale: generates into a temp directory and compares file by file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const committed = join(root, 'src/gql');
const temp = mkdtempSync(join(tmpdir(), 'frontdesk-codegen-'));
try {
  execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts', '--silent'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CODEGEN_OUT: `${temp}/` },
  });
  const fresh = readdirSync(temp).sort();
  const current = existsSync(committed) ? readdirSync(committed).sort() : [];
  const problems = [];
  for (const name of new Set([...fresh, ...current])) {
    const a = existsSync(join(temp, name)) ? readFileSync(join(temp, name), 'utf8') : null;
    const b = existsSync(join(committed, name)) ? readFileSync(join(committed, name), 'utf8') : null;
    if (a !== b) problems.push(name);
  }
  if (problems.length) {
    console.error(`src/gql is stale (${problems.join(', ')}): run \`npm run codegen\` and commit.`);
    process.exit(1);
  }
  console.log('src/gql is up to date.');
} finally {
  rmSync(temp, { recursive: true, force: true });
}
