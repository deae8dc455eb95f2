import { admitModelCall, badJson, charge, type HandlerInput, requireKey } from './admission';
import { embeddingsBody, embeddingsTokensOf, validateEmbeddingsRequest } from './embeddings';
import { modelObject, modelsListBody } from './models';

/**
 * `POST /v1/embeddings`: deterministic unit vectors, float or base64, with any served model (of its
 * own `dimensions` when it has some). Input tokens pass the same checks as a chat call (plan, quota,
 * the key's RPM/TPM window: 429 with `Retry-After` beyond) and are charged to the same window.
 */
export async function handleEmbeddings(input: HandlerInput): Promise<void> {
  const { state, ctx } = input;
  const key = requireKey(input);
  if (!key || badJson(input) || !input.json?.ok) return;
  const validated = validateEmbeddingsRequest(input.json.value);
  if (!validated.ok) {
    ctx.sendError(400, validated.error);
    return;
  }
  const request = validated.value;
  const tokens = embeddingsTokensOf(request);
  const rateHeaders = admitModelCall(input, key, request.model, tokens);
  if (!rateHeaders) return;
  const headers = { ...rateHeaders, ...charge(state, key, tokens) };
  ctx.record.totalTokens = tokens;
  const dimensions = state.models.get(request.model)?.dimensions ?? state.embeddingDimensions;
  await ctx.answer(200, embeddingsBody(request, dimensions), headers);
}

/** `GET /v1/models`: the OpenAI list format. */
export async function handleListModels(input: HandlerInput): Promise<void> {
  if (!requireKey(input)) return;
  await input.ctx.answer(200, modelsListBody([...input.state.models.values()]));
}

/** `GET /v1/models/{id}`: one model, or 404. */
export async function handleRetrieveModel(input: HandlerInput): Promise<void> {
  if (!requireKey(input)) return;
  const id = input.param ?? '';
  const model = input.state.models.get(id);
  if (!model) {
    input.ctx.sendError(404, {
      message: `The model '${id}' does not exist. Use GET /v1/models to list the available models`,
      code: 'model_not_found',
    });
    return;
  }
  await input.ctx.answer(200, modelObject(model));
}
