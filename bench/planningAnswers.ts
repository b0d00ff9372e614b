import { postGraphQL } from './load';
import { planningOperation } from './planningOperations';
import { describeDifference } from './verify';

/** The planners' answers to the distinct planning operations, compared body for body. */
export interface AnswerCheck {
  readonly operations: number;
  /** Answers with `errors` (or not 200), per planner: every planning operation should answer data only. */
  readonly withErrors: Readonly<Record<string, number>>;
  /** The first answer with errors (either planner), to see why. */
  readonly firstError?: { readonly operation: string; readonly answer: string };
  readonly differences: number;
  /** The first few differences: the operation and where the two bodies part. */
  readonly examples: ReadonlyArray<{ readonly operation: string; readonly difference: string }>;
}

/** Each planning operation once against a running gateway (8 at a time): status and body text, in order. */
export async function answersOf(url: string, count: number): Promise<string[]> {
  const answers: string[] = new Array<string>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const { name, body } = planningOperation(i);
      const reply = await postGraphQL(url, JSON.stringify({ query: body, operationName: name }));
      answers[i] = `${reply.status} ${reply.text}`;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return answers;
}

export function compareAnswers(byPlanner: Readonly<Record<string, readonly string[]>>): AnswerCheck {
  const [[a, first] = ['', []], [b, second] = ['', []]] = Object.entries(byPlanner);
  const failed = (t: string): boolean => !t.startsWith('200 ') || t.includes('"errors"');
  const withErrors = Object.fromEntries(Object.entries(byPlanner).map(([planner, answers]) => [planner, answers.filter(failed).length]));
  const errorAt = first.findIndex(failed);
  const examples: Array<{ operation: string; difference: string }> = [];
  let differences = 0;
  first.forEach((answer, i) => {
    if (answer === second[i]) return;
    differences++;
    if (examples.length < 5) examples.push({ operation: planningOperation(i).body, difference: describeDifference(answer, second[i] ?? '', [a, b]) });
  });
  const firstError = errorAt < 0 ? undefined : { operation: planningOperation(errorAt).body, answer: (first[errorAt] ?? '').slice(0, 400) };
  return { operations: first.length, withErrors, ...(firstError ? { firstError } : {}), differences, examples };
}
