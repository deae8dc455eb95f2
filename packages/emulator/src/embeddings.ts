import { type RequestValidationError, type Validated, validateModelField } from './chat-request';
import { createRandom, estimateTokens, seedOf } from './deterministic';
import { isRecord } from './is-record';
import { MAX_DIMENSIONS } from './models';

/** A validated `/v1/embeddings` request. */
export interface EmbeddingsRequest {
  model: string;
  /** Inputs as strings (token arrays are joined with spaces). */
  inputs: string[];
  dimensions?: number;
  encodingFormat: 'float' | 'base64';
}

const MAX_INPUTS = 2048;

function invalidInput(message: string): { ok: false; error: RequestValidationError } {
  return { ok: false, error: { message, code: 'invalid_value', param: 'input' } };
}

/** Validates a parsed `/v1/embeddings` body: `input` is a string, strings, tokens or token arrays. */
export function validateEmbeddingsRequest(body: unknown): Validated<EmbeddingsRequest> {
  if (!isRecord(body)) {
    return {
      ok: false,
      error: { message: 'Invalid request body: expected a JSON object', code: 'invalid_json' },
    };
  }
  const modelError = validateModelField(body);
  if (modelError) return { ok: false, error: modelError };
  const { input } = body;
  if (input === undefined || input === null) {
    return {
      ok: false,
      error: {
        message: "Missing required parameter: 'input'",
        code: 'missing_required_parameter',
        param: 'input',
      },
    };
  }
  let inputs: string[];
  if (typeof input === 'string') {
    inputs = [input];
  } else if (Array.isArray(input) && input.length > 0 && input.length <= MAX_INPUTS) {
    if (input.every(item => typeof item === 'string')) {
      inputs = input as string[];
    } else if (input.every(item => Number.isInteger(item))) {
      inputs = [(input as number[]).join(' ')];
    } else if (input.every(item => Array.isArray(item) && item.every(Number.isInteger))) {
      inputs = (input as number[][]).map(tokens => tokens.join(' '));
    } else {
      return invalidInput(
        "Invalid value for 'input': expected a string, an array of strings, or token arrays",
      );
    }
  } else {
    return invalidInput(
      `Invalid value for 'input': expected a string or a non-empty array of at most ${MAX_INPUTS} items`,
    );
  }
  const { dimensions, encoding_format: encodingFormat } = body;
  if (
    dimensions !== undefined &&
    dimensions !== null &&
    (typeof dimensions !== 'number' ||
      !Number.isInteger(dimensions) ||
      dimensions < 1 ||
      dimensions > MAX_DIMENSIONS)
  ) {
    return {
      ok: false,
      error: {
        message: `Invalid value for 'dimensions': expected an integer from 1 to ${MAX_DIMENSIONS}`,
        code: 'invalid_value',
        param: 'dimensions',
      },
    };
  }
  if (
    encodingFormat !== undefined &&
    encodingFormat !== null &&
    encodingFormat !== 'float' &&
    encodingFormat !== 'base64'
  ) {
    return {
      ok: false,
      error: {
        message: "Invalid value for 'encoding_format': expected float or base64",
        code: 'invalid_value',
        param: 'encoding_format',
      },
    };
  }
  return {
    ok: true,
    value: {
      model: body.model as string,
      inputs,
      ...(typeof dimensions === 'number' ? { dimensions } : {}),
      encodingFormat: encodingFormat === 'base64' ? 'base64' : 'float',
    },
  };
}

/** A deterministic unit vector (L2 norm 1) for `text` under `model`. */
export function embeddingVector(model: string, text: string, dimensions: number): number[] {
  const random = createRandom(seedOf('embedding', model, text));
  const vector: number[] = [];
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    const value = random() * 2 - 1;
    vector.push(value);
    norm += value * value;
  }
  norm = Math.sqrt(norm) || 1;
  return vector.map(value => value / norm);
}

/** Encodes a vector as base64 little-endian float32, as OpenAI's `encoding_format: 'base64'` does. */
export function vectorToBase64(vector: readonly number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => {
    buffer.writeFloatLE(value, i * 4);
  });
  return buffer.toString('base64');
}

/** The `/v1/embeddings` response body; `defaultDimensions` applies when the request gives none. */
export function embeddingsBody(
  request: EmbeddingsRequest,
  defaultDimensions: number,
): Record<string, unknown> {
  const dimensions = request.dimensions ?? defaultDimensions;
  let promptTokens = 0;
  const data = request.inputs.map((text, index) => {
    promptTokens += estimateTokens(text);
    const vector = embeddingVector(request.model, text, dimensions);
    return {
      object: 'embedding',
      index,
      embedding: request.encodingFormat === 'base64' ? vectorToBase64(vector) : vector,
    };
  });
  return {
    object: 'list',
    data,
    model: request.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** Estimated tokens of an embeddings request (for TPM and quota). */
export function embeddingsTokensOf(request: EmbeddingsRequest): number {
  return request.inputs.reduce((sum, text) => sum + estimateTokens(text), 0);
}
