import { z } from 'zod';
import { answerFeedback, parseModelAnswer } from './model-answer.js';

const schema = z.object({ tasks: z.array(z.object({ id: z.string() })).min(1) });

describe('parseModelAnswer', () => {
  it('reads a JSON answer, also inside a Markdown fence or after a sentence', () => {
    const json = '{"tasks":[{"id":"a"}]}';
    for (const text of [json, `\`\`\`json\n${json}\n\`\`\``, `Here it is:\n${json}\nDone.`])
      expect(parseModelAnswer(text, 'end_turn', schema)).toEqual({
        ok: true,
        value: { tasks: [{ id: 'a' }] },
      });
  });

  it('names a truncated answer before trying to parse it', () => {
    expect(parseModelAnswer('{"tasks":[{"id":"a"}]}', 'max_tokens', schema)).toMatchObject({
      ok: false,
      kind: 'truncated',
    });
  });

  it('names a refusal', () => {
    expect(parseModelAnswer('I cannot help with that.', 'refusal', schema)).toMatchObject({
      ok: false,
      kind: 'refusal',
    });
  });

  it('reports invalid JSON with the parser message', () => {
    const parsed = parseModelAnswer('{"tasks": [ {"id": "a",} ]}', 'end_turn', schema);
    expect(parsed).toMatchObject({ ok: false, kind: 'invalid_json' });
    expect(!parsed.ok && parsed.problem).toMatch(/not valid JSON: .+/);
  });

  it('reports each schema issue with its path', () => {
    const parsed = parseModelAnswer('{"tasks":[{"id":1}]}', 'end_turn', schema);
    expect(parsed).toMatchObject({ ok: false, kind: 'invalid_schema' });
    expect(!parsed.ok && parsed.problem).toContain('tasks.0.id:');
  });
});

describe('answerFeedback', () => {
  it('tells the model what went wrong and what to do instead', () => {
    expect(answerFeedback('truncated', 'cut off')).toMatch(/cut off\. Answer again, shorter/);
  });
});
