import { describe, expect, it } from 'vitest';
import { transformAlayaRequestBody } from './transform-alaya-request-body';

describe('transformAlayaRequestBody', () => {
  it('leaves a plain body unchanged', () => {
    const body = { model: 'glm-5.2', messages: [], temperature: 0.2 };
    expect(transformAlayaRequestBody(body)).toEqual(body);
  });

  it('renames parallelToolCalls and keeps thinking', () => {
    expect(
      transformAlayaRequestBody({
        model: 'glm-5.2',
        messages: [],
        parallelToolCalls: false,
        thinking: { type: 'disabled' },
      }),
    ).toEqual({
      model: 'glm-5.2',
      messages: [],
      parallel_tool_calls: false,
      thinking: { type: 'disabled' },
    });
  });

  it('merges extraBody over undefined settings but never over model, messages or stream', () => {
    expect(
      transformAlayaRequestBody({
        model: 'glm-5.2',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        temperature: undefined,
        extraBody: { top_k: 4, temperature: 0.1, model: 'other', messages: [], stream: false },
      }),
    ).toEqual({
      model: 'glm-5.2',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      temperature: 0.1,
      top_k: 4,
    });
  });
});
