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
}

/** A model as given in options: an id or a full {@link EmulatorModel}. */
export type EmulatorModelOption = string | EmulatorModel;

/**
 * The models served by default: the ids in Alaya's Alaya Code docs (`minimax-m2.5`, `minimax-m2.1`,
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

const DEFAULT_CREATED = 1_767_225_600;

/** Normalises the `models` option, filling defaults. */
export function normalizeModels(
  models: readonly EmulatorModelOption[] | undefined,
): Required<EmulatorModel>[] {
  return (models ?? DEFAULT_MODELS).map(entry => {
    const model = typeof entry === 'string' ? { id: entry } : entry;
    if (typeof model.id !== 'string' || model.id.length === 0) {
      throw new TypeError('models: every model needs a non-empty id');
    }
    return {
      id: model.id,
      reasoning: model.reasoning ?? true,
      ownedBy: model.ownedBy ?? 'alaya',
      created: model.created ?? DEFAULT_CREATED,
    };
  });
}

/** One entry of the `/v1/models` list in OpenAI's format. */
export function modelObject(model: Required<EmulatorModel>): Record<string, unknown> {
  return { id: model.id, object: 'model', created: model.created, owned_by: model.ownedBy };
}

/** The `/v1/models` body: `{ object: 'list', data: [...] }`. */
export function modelsListBody(
  models: readonly Required<EmulatorModel>[],
): Record<string, unknown> {
  return { object: 'list', data: models.map(modelObject) };
}
