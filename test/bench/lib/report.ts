import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';

/** Facts about the machine and run that every report carries. */
export function environment() {
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemMiB: Math.round(totalmem() / 1024 / 1024),
  };
}

/** Writes the JSON report (creating its folder), replacing non-finite numbers with null. */
export async function writeReport(path: string, report: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const json = JSON.stringify(
    report,
    (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  );
  await writeFile(path, `${json}\n`);
}
