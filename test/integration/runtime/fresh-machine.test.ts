import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/processes.ts';

/**
 * The README's two commands are run it and test it, and "test it" works on a fresh Debian
 * machine: `npm run test:fresh` installs and starts what the tests need (the same script CI uses)
 * and then runs them.
 */
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const scripts = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const SERVICES = 'scripts/test-services.sh';

describe('testing on a fresh machine', () => {
  it("has the README's two commands: run it, test it, each a real npm script", () => {
    const block = /## The two commands\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const commands = block!.trim().split('\n');
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/^npm ci && npm run demo\s/);
    expect(commands[1]).toMatch(/^npm ci && npm run test:fresh\s/);
    for (const command of commands)
      for (const [, name] of command.matchAll(/npm run ([\w:-]+)/g))
        expect(scripts[name!], name).toBeDefined();
    expect(scripts['test:fresh']).toBe(`bash ${SERVICES} npm test`);
  });

  it('shares one setup script between CI and npm run test:fresh', () => {
    const ci = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8');
    expect(ci).toContain(`source ${SERVICES}`);
    // Nothing installed or started by CI itself: the shared script does it.
    expect(ci).not.toMatch(/apt-get|apt_install|pg_ctlcluster|redis-server/);
  });

  describe('the setup script on a machine without the services (dry run)', () => {
    // A PATH with the shell's basic tools only: no PostgreSQL, Redis or Chromium.
    const bin = mkdtempSync(join(tmpdir(), 'fresh-path-'));
    for (const tool of ['bash', 'sh', 'id', 'dirname', 'ls', 'sort', 'tail', 'seq', 'sleep', 'cat'])
      symlinkSync(
        spawnSync('sh', ['-c', `command -v ${tool}`])
          .stdout.toString()
          .trim(),
        join(bin, tool),
      );
    afterAll(() => rmSync(bin, { recursive: true, force: true }));

    it('would install and start each service, then runs the command with the test URLs set', () => {
      const result = spawnSync(
        join(bin, 'bash'),
        [SERVICES, 'sh', '-c', 'echo "ran with $TEST_POSTGRES_URL $TEST_REDIS_URL"; exit 7'],
        { cwd: REPO_ROOT, env: { PATH: bin, TEST_SERVICES_DRY_RUN: '1' }, encoding: 'utf8' },
      );
      expect(result.stderr).toBe('');
      const out = result.stdout;
      expect(out).toMatch(/would run: (sudo )?apt-get update/);
      for (const pkg of ['postgresql', 'redis-server', 'chromium'])
        expect(out).toContain(`would install: ${pkg}`);
      expect(out).toMatch(/would run: (sudo )?pg_ctlcluster --skip-systemctl-redirect .* main start/);
      expect(out).toMatch(/would run: (sudo )?redis-server --daemonize yes/);
      expect(out).toContain(
        'ran with postgres://postgres:postgres@127.0.0.1:5432/postgres redis://127.0.0.1:6379',
      );
      // The command's own exit status is the script's.
      expect(result.status).toBe(7);
    });
  });
});
