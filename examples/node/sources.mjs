// `node --import ./sources.mjs src/main.ts`: TypeScript through tsx, with the workspace packages resolved to
// their TypeScript sources (tsconfig.sources.json), so the demo runs without building them first.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('./tsconfig.sources.json', import.meta.url)) });
