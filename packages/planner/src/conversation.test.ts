import {
  applyChatTurn,
  chatPrompt,
  chatTurnSchema,
  conversationRequirements,
  discoveryQuestions,
  pendingQuestion,
  type ConversationState,
} from './conversation.js';

const turn = (fields: Partial<Record<string, unknown>>) =>
  chatTurnSchema.parse({ reply: 'ok', requirements: '', ...fields });

const asking: ConversationState = {
  requirements: 'A todo app.',
  questions: [
    { question: 'Web or mobile?', blocking: true, defaultAnswer: 'web', answer: null },
    { question: 'Dark mode?', blocking: false, defaultAnswer: 'no', answer: null },
    { question: 'Which database?', blocking: true, defaultAnswer: 'Postgres', answer: null },
  ],
};

describe('a conversation turn', () => {
  it('asks nothing and is not ready while no requirements are known', () => {
    const next = applyChatTurn({ requirements: '', questions: [] }, turn({ go: true }));
    expect(next).toMatchObject({ requirements: '', next: undefined, ready: false });
  });

  it('records the answer on the pending blocking question and asks the next one', () => {
    const next = applyChatTurn(asking, turn({ answer: ' mobile ' }));
    expect(next.questions.map((q) => q.answer)).toEqual(['mobile', null, null]);
    expect(next.next?.question).toBe('Which database?');
    expect(next.ready).toBe(false);
    // Requirements restated as empty keep what was known.
    expect(next.requirements).toBe('A todo app.');
  });

  it('is ready once no blocking question is unanswered, non-blocking ones left open', () => {
    const first = applyChatTurn(asking, turn({ answer: 'web' }));
    const second = applyChatTurn(first, turn({ answer: 'SQLite', requirements: 'A todo app v2.' }));
    expect(second).toMatchObject({ next: undefined, ready: true, requirements: 'A todo app v2.' });
    expect(pendingQuestion(second.questions)).toBeUndefined();
  });

  it('is ready when the user says go, whatever is still open', () => {
    expect(applyChatTurn(asking, turn({ go: true }))).toMatchObject({ ready: true });
  });

  it('adds new questions once, however they are spaced or cased', () => {
    const next = applyChatTurn(
      asking,
      turn({
        openQuestions: [
          { question: 'web  or MOBILE?', blocking: true, defaultAnswer: 'x' },
          { question: 'Offline sync?', blocking: true, defaultAnswer: 'no' },
        ],
      }),
    );
    expect(next.questions.map((q) => q.question)).toEqual([
      'Web or mobile?',
      'Dark mode?',
      'Which database?',
      'Offline sync?',
    ]);
  });

  it('hands discovery the answers, and defaults marked as not confirmed', () => {
    const text = conversationRequirements(applyChatTurn(asking, turn({ answer: 'web' })));
    expect(text).toContain('A todo app.\n\n## Answers from the conversation\n');
    expect(text).toContain('- Web or mobile?\n  Answer: web');
    expect(text).toContain('- Dark mode?\n  Answer (default, not confirmed): no');
    expect(conversationRequirements({ requirements: 'Only this.', questions: [] })).toBe(
      'Only this.',
    );
  });

  it('tells the model which question was asked and carries feedback', () => {
    const prompt = chatPrompt(
      { ...asking, messages: [{ role: 'user', content: 'mobile please' }] },
      'Attempt 2. fix it',
    );
    expect(prompt.prompt).toContain('Question the user was asked last: Web or mobile?');
    expect(prompt.prompt).toContain('USER: mobile please');
    expect(prompt.prompt.endsWith('Attempt 2. fix it')).toBe(true);
  });

  it('takes the blocking questions a discovery raised that were not asked, in one round only', () => {
    const raised = [
      { question: 'web or mobile?', blocking: true, defaultAnswer: 'web' },
      { question: 'Offline sync?', blocking: true, defaultAnswer: 'no' },
      { question: 'Emoji?', blocking: false, defaultAnswer: 'yes' },
    ];
    const added = discoveryQuestions(asking.questions, raised);
    expect(added).toEqual([
      {
        question: 'Offline sync?',
        blocking: true,
        defaultAnswer: 'no',
        answer: null,
        from: 'discovery',
      },
    ]);
    expect(
      discoveryQuestions(
        [...asking.questions, ...added],
        [raised[0]!, { question: 'More?', blocking: true, defaultAnswer: 'no' }],
      ),
    ).toEqual([]);
  });

  it('rejects an answer without a reply', () => {
    expect(chatTurnSchema.safeParse({ requirements: 'x' }).success).toBe(false);
  });
});
