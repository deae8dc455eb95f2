import type { HandlerInput } from './admission';
import { handleEmbeddings, handleListModels, handleRetrieveModel } from './api-handlers';
import { handleChatCompletions } from './chat-handler';
import type { RequestContext } from './request-context';

interface Route {
  pattern: RegExp;
  methods: readonly string[];
  handler: (input: HandlerInput) => Promise<void>;
}

const ROUTES: readonly Route[] = [
  { pattern: /^\/v1\/chat\/completions$/, methods: ['POST'], handler: handleChatCompletions },
  { pattern: /^\/v1\/embeddings$/, methods: ['POST'], handler: handleEmbeddings },
  { pattern: /^\/v1\/models$/, methods: ['GET'], handler: handleListModels },
  { pattern: /^\/v1\/models\/([^/]+)$/, methods: ['GET'], handler: handleRetrieveModel },
];

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Sends an API request to its handler; an unknown path answers 404 (with a base-URL hint when `/v1`
 * is missing) and a known path with the wrong method 405 with `Allow`.
 */
export async function route(
  ctx: RequestContext,
  path: string,
  input: Omit<HandlerInput, 'ctx' | 'param'>,
): Promise<void> {
  const method = ctx.req.method ?? '';
  const found = ROUTES.find(candidate => candidate.pattern.test(path));
  if (!found) {
    const hint = path.startsWith('/v1/')
      ? 'Check the URL path'
      : 'Check the base URL: it must end with /v1 (e.g. http://127.0.0.1:PORT/v1)';
    ctx.sendError(404, {
      message: `Unknown API path: ${method} ${path}. ${hint}`,
      code: 'unknown_path',
    });
    return;
  }
  if (!found.methods.includes(method)) {
    const allow = found.methods.join(', ');
    ctx.sendError(
      405,
      { message: `Method ${method} is not allowed for ${path}; use ${allow}` },
      { allow },
    );
    return;
  }
  const param = found.pattern.exec(path)?.[1];
  await found.handler({
    ...input,
    ctx,
    ...(param !== undefined ? { param: safeDecode(param) } : {}),
  });
}
