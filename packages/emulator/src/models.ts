/** Largest embedding length a request or a model may ask for. */
export const MAX_DIMENSIONS = 8192;

/** A model the emulator serves. */
export interface EmulatorModel {
  /** The model id, e.g. `glm-5.2`. */
  id: string;
  /** Whether chat answers carry `reasoning_content` (and `reasoning_tokens`). Default true. */
  reasoning?: boolean;
  /** `owned_by` in `/v1/models`. Default `alaya`. */
  ownedBy?: string;
  /** `created` (epoch seconds) in `/v1/models`. Default 1767225600 (2026-01-01). */
  created?: number;
  /**
   * Length of this model's embeddings when a request gives no `dimensions`. Default: the emulator's
   * `embeddingDimensions`. Two models with different lengths let a test see vectors that cannot mix.
   */
  dimensions?: number;
}

/** A model as given in options: an id or a full {@link EmulatorModel}. */
export type EmulatorModelOption = string | EmulatorModel;

/**
 * The chat models served by default (before {@link DEFAULT_EMBEDDING_MODEL}): the ids in Alaya's Alaya Code docs (`minimax-m2.5`, `minimax-m2.1`,
 * `glm-5`, `glm-5.1`, `deepseek-v4-pro`), then ids seen in other public listings that examples and
 * tests still use (`glm-5.2`, `deepseek-v4-flash`). All answer with `reasoning_content`.
 */
export const DEFAULT_MODELS: readonly string[] = [
  'minimax-m2.5',
  'minimax-m2.1',
  'glm-5',
  'glm-5.1',
  'deepseek-v4-pro',
  'glm-5.2',
  'deepseek-v4-flash',
];

/**
 * The embedding model served by default, and the id the provider suggests. Alaya documents no
 * embedding model ids: `bge-m3` (BAAI's open multilingual embedding model, which model gateways
 * commonly serve under this id) is unverified for Alaya; `GET /v1/models` is the truth. The emulator
 * embeds with every model it serves; this one is listed so that a client asking for it finds it.
 */
export const DEFAULT_EMBEDDING_MODEL = 'bge-m3';

const DEFAULT_CREATED = 1_767_225_600;

/** The default `models` option: the chat models, then the embedding model (no reasoning). */
export function defaultModels(): EmulatorModelOption[] {
  return [...DEFAULT_MODELS, { id: DEFAULT_EMBEDDING_MODEL, reasoning: false }];
}

/** A served model with every field filled (`dimensions` stays optional: the emulator's default). */
export type ServedModel = Required<Omit<EmulatorModel, 'dimensions'>> &
  Pick<EmulatorModel, 'dimensions'>;

/**
 * Normalises the `models` option, filling defaults (the default list: {@link DEFAULT_MODELS} then
 * {@link DEFAULT_EMBEDDING_MODEL}). A `dimensions` outside 1-8192 throws a `TypeError`.
 */
export function normalizeModels(models: readonly EmulatorModelOption[] | undefined): ServedModel[] {
  return (models ?? defaultModels()).map(entry => {
    const model = typeof entry === 'string' ? { id: entry } : entry;
    if (typeof model.id !== 'string' || model.id.length === 0) {
      throw new TypeError('models: every model needs a non-empty id');
    }
    const { dimensions } = model;
    if (
      dimensions !== undefined &&
      !(Number.isInteger(dimensions) && dimensions >= 1 && dimensions <= MAX_DIMENSIONS)
    ) {
      throw new TypeError(
        `models: dimensions of '${model.id}' must be an integer from 1 to ${MAX_DIMENSIONS}`,
      );
    }
    return {
      id: model.id,
      reasoning: model.reasoning ?? true,
      ownedBy: model.ownedBy ?? 'alaya',
      created: model.created ?? DEFAULT_CREATED,
      ...(dimensions !== undefined ? { dimensions } : {}),
    };
  });
}

/** One entry of the `/v1/models` list in OpenAI's format. */
export function modelObject(model: ServedModel): Record<string, unknown> {
  return { id: model.id, object: 'model', created: model.created, owned_by: model.ownedBy };
}

/** The `/v1/models` body: `{ object: 'list', data: [...] }`. */
export function modelsListBody(models: readonly ServedModel[]): Record<string, unknown> {
  return { object: 'list', data: models.map(modelObject) };
}
