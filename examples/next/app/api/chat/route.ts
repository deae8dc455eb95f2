import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { createAlaya } from '@alaya-code/ai-sdk-provider';
import {
  convertToModelMessages,
  createUIMessageStreamResponse,
  safeValidateUIMessages,
  stepCountIs,
  streamText,
  toUIMessageStream,
  wrapLanguageModel,
} from 'ai';
import { z } from 'zod';
import { tools } from '../../../lib/calculator';
import { type ChatError, serializeChatError } from '../../../lib/chat-error';
import type { ChatMessage } from '../../../lib/chat-message';
import { toChatError } from '../../../lib/friendly-error';
import { DEFAULT_MODEL, MISSING_KEY_ERROR, readServerConfig } from '../../../lib/server-config';

const requestSchema = z.object({
  messages: z.array(z.unknown()).min(1).max(200),
  model: z
    .string()
    .regex(/^[\w.:/-]{1,100}$/)
    .optional(),
});

const INSTRUCTIONS =
  'You are a concise assistant in a demo chat. Use the calculator tool for any arithmetic and ' +
  'state the result in your answer.';

/**
 * Streams an answer from Alaya through the resilience middleware. Failures reach the page as a serialised
 * `ChatError` (friendly text, never the upstream message, a stack or the key), both for errors before the
 * stream starts (non-2xx JSON) and during it (the UI stream's error chunk).
 */
export async function POST(request: Request): Promise<Response> {
  const config = readServerConfig();
  if (!config.hasApiKey) {
    return errorResponse(500, MISSING_KEY_ERROR);
  }

  const body = requestSchema.safeParse(await request.json().catch(() => undefined));
  if (!body.success) {
    return errorResponse(400, { kind: 'bad_request', message: 'The chat request was malformed.' });
  }
  const validated = await safeValidateUIMessages<ChatMessage>({
    messages: body.data.messages,
    tools,
  });
  if (!validated.success) {
    return errorResponse(400, {
      kind: 'bad_request',
      message: 'The chat history could not be read.',
    });
  }
  const messages = validated.data;
  const modelId = body.data.model ?? DEFAULT_MODEL;

  let retries = 0;
  const model = wrapLanguageModel({
    model: createAlaya()(modelId),
    middleware: alayaMiddleware({
      maxRetries: 2,
      apiKey: process.env.ALAYA_API_KEY,
      onRetry: () => {
        retries++;
      },
    }),
  });

  const result = streamText({
    model,
    instructions: INSTRUCTIONS,
    messages: await convertToModelMessages(messages, { tools }),
    tools,
    stopWhen: stepCountIs(4),
    // The middleware owns retries; the SDK's own loop would multiply the attempts.
    maxRetries: 0,
    abortSignal: request.signal,
    // A person is waiting: under one rate limit shared with background work (a pacing guard), the
    // chat goes first (see docs/middleware/fleet.md, lanes and tenants).
    providerOptions: { alayaMiddleware: { priority: 'interactive' } },
    // The default prints the whole error object; the UI stream's onError below logs one line instead.
    onError: () => {},
  });

  return createUIMessageStreamResponse({
    stream: toUIMessageStream<typeof tools, ChatMessage>({
      stream: result.stream,
      tools,
      originalMessages: messages,
      messageMetadata: ({ part }) =>
        part.type === 'finish' ? { model: modelId, retries } : undefined,
      onError: error => {
        const chatError = toChatError(error, {
          model: modelId,
          retries,
          usageUrl: config.usageUrl,
        });
        console.error(`[api/chat] ${modelId} failed: ${chatError.kind} after ${retries} retries`);
        return serializeChatError(chatError);
      },
      // A failed calculation ("Division by zero.") is for the model and the page to see as it is.
      redactToolErrors: false,
    }),
  });
}

function errorResponse(status: number, error: ChatError): Response {
  return new Response(serializeChatError(error), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
