/**
 * Every model id a newcomer is told to use works against the emulator as it starts by default: the
 * provider's typed suggestions, the ids in the provider's and the root README's snippets, and the ids
 * the demo's scenes and `--help` name (the embedding model included), served by `startEmulator()` and
 * by the `alaya-emulator` command with no `--model`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port';
import { type NextApp, startCommand } from '../support/next-app';
import { fromRoot } from '../support/readme-blocks';

const read = (path: string) => readFileSync(fromRoot(path), 'utf8');

/** The README's example of an id the service does not offer, which must stay unserved. */
const UNKNOWN_ON_PURPOSE = 'glm-9';

/** `alaya('id')`, `alaya.chatModel('id')`, `alaya.embeddingModel('id')` (not `imageModel`: it throws), and defaults such as `ENV || 'id'` or `ENV ?? 'id'`. */
function idsIn(text: string): string[] {
  const calls = [
    ...text.matchAll(/\balaya(?:\.(?:chatModel|languageModel|embeddingModel))?\('([^']+)'\)/g),
  ].map(m => m[1] as string);
  const defaults = [...text.matchAll(/ALAYA_\w*MODEL\s*(?:\|\||\?\?)\s*'([^']+)'/g)].map(
    m => m[1] as string,
  );
  return [...calls, ...defaults];
}

function suggestedIds(): Map<string, string> {
  const ids = new Map<string, string>();
  const add = (source: string, found: string[]) => {
    for (const id of found) if (id !== UNKNOWN_ON_PURPOSE && !ids.has(id)) ids.set(id, source);
  };
  for (const [name, file] of [
    ['AlayaChatModelId', 'alaya-chat-options.ts'],
    ['AlayaEmbeddingModelId', 'alaya-embedding-options.ts'],
  ] as const) {
    const union = new RegExp(`export type ${name} =([^;]+);`).exec(
      read(`packages/provider/src/${file}`),
    )?.[1];
    expect(union, `${name} in ${file}`).toBeDefined();
    add(
      name,
      [...(union ?? '').matchAll(/'([^']+)'/g)].map(m => m[1] as string),
    );
  }
  for (const readme of [
    'packages/provider/README.md',
    'docs/provider/chat.md',
    'docs/provider/reference.md',
    'README.md',
    'examples/node/README.md',
  ]) {
    add(readme, idsIn(read(readme)));
  }
  for (const file of readdirSync(fromRoot('examples/node/src/scenes'))) {
    add(`examples/node/src/scenes/${file}`, idsIn(read(`examples/node/src/scenes/${file}`)));
  }
  const help = read('examples/node/src/main.ts');
  add(
    'the demo --help',
    [...help.matchAll(/ALAYA_EMBEDDING_MODEL picks the embedding model \(default ([\w.-]+)/g)].map(
      m => m[1] as string,
    ),
  );
  return ids;
}

async function servedIds(url: string, apiKey: string): Promise<string[]> {
  const response = await fetch(`${url}/models`, { headers: { authorization: `Bearer ${apiKey}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Array<{ id: string }> }).data.map(model => model.id);
}

describe('the model ids the docs, the provider and the demo suggest', () => {
  const suggested = suggestedIds();
  let emulator: Emulator;
  let cli: NextApp;
  let cliUrl: string;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, apiKeys: ['k'] });
    const port = await freePort();
    cliUrl = `http://127.0.0.1:${port}/v1`;
    cli = await startCommand(
      [
        process.execPath,
        'packages/emulator/bin/alaya-emulator.js',
        '--port',
        String(port),
        '--quiet',
      ],
      {
        cwd: fromRoot('.'),
        env: {},
        url: cliUrl,
        readyUrl: `http://127.0.0.1:${port}/__emulator/health`,
        timeoutMs: 30_000,
      },
    );
  });
  afterAll(async () => {
    await emulator?.close();
    await cli?.stop();
  });

  it('are found: the typed suggestions, the snippets, and the demo embedding model', () => {
    expect([...suggested.keys()]).toEqual(
      expect.arrayContaining(['minimax-m2.5', 'glm-5.1', 'deepseek-v4-pro']),
    );
    expect(suggested.get('glm-5.1')).toBeDefined();
    expect(suggested.get('bge-m3')).toBe('AlayaEmbeddingModelId');
    expect(idsIn(read('examples/node/src/scenes/embeddings.ts'))).toContain('bge-m3');
  });

  it('are all served by a default startEmulator() and a default alaya-emulator command', async () => {
    for (const [url, key] of [
      [emulator.url, 'k'],
      [cliUrl, 'test-key'],
    ] as const) {
      const served = new Set(await servedIds(url, key));
      const missing = [...suggested].filter(([id]) => !served.has(id));
      expect(missing, `${url}: suggested ids it does not serve (id, where)`).toEqual([]);
      expect(served.has(UNKNOWN_ON_PURPOSE)).toBe(false);
    }
  });

  it("the demo's default embedding model embeds on the alaya-emulator command", async () => {
    const response = await fetch(`${cliUrl}/embeddings`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bge-m3', input: 'Where do cats sleep?' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Array<{ embedding: number[] }> };
    expect(body.data[0]?.embedding.length).toBeGreaterThan(0);
  });
});
