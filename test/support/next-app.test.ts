import { describe, expect, it } from 'vitest';
import { freePort } from './free-port';
import { startCommand } from './next-app';

describe('startCommand', () => {
  it('reports a child that exits before serving with its exit code and last output, not a timeout', async () => {
    const port = await freePort();
    const started = Date.now();
    const failure = startCommand(
      [
        process.execPath,
        '-e',
        'console.error("Another next dev server is already running."); process.exit(3)',
      ],
      { cwd: process.cwd(), env: {}, url: `http://127.0.0.1:${port}`, timeoutMs: 240_000 },
    );
    await expect(failure).rejects.toThrow(/the command exited with code 3 after \d+ ms/);
    await expect(failure).rejects.toThrow(/Another next dev server is already running\./);
    await expect(failure).rejects.not.toThrow(/did not answer within/);
    // Well before the 240 s readiness budget: the exit ended the wait.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('reports a child killed by a signal', async () => {
    const port = await freePort();
    const failure = startCommand([process.execPath, '-e', 'process.kill(process.pid, "SIGTERM")'], {
      cwd: process.cwd(),
      env: {},
      url: `http://127.0.0.1:${port}`,
      timeoutMs: 240_000,
    });
    await expect(failure).rejects.toThrow(/the command was killed by SIGTERM after \d+ ms/);
  });

  it('still times out with the budget when the child lives but never serves', async () => {
    const port = await freePort();
    const failure = startCommand([process.execPath, '-e', 'setTimeout(() => {}, 60_000)'], {
      cwd: process.cwd(),
      env: {},
      url: `http://127.0.0.1:${port}`,
      timeoutMs: 1_000,
    });
    await expect(failure).rejects.toThrow(/did not answer within 1000 ms/);
  });
});
