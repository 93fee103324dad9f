import { AppError } from '../errors/app-error';
import { fitExcerpts } from './fit-excerpts';
import { type PromptExcerptText, type PromptStrings, promptStringsFor } from './prompt-strings';
import type { PromptProfile } from './prompt-target';
import { type CountTokens, estimateTokens } from './tokens';

/** An excerpt found for the question; a library hit's excerpt is one. */
export interface PromptExcerpt extends PromptExcerptText {
  id: string;
}

/** What the health worker said about the patient; each part only when given. */
export interface PatientContext {
  ageBand?: string;
  sex?: 'female' | 'male';
  pregnant?: boolean;
  setting?: string;
}

export interface PromptInput {
  question: string;
  context?: PatientContext;
  /** Best first: when the budget is short, the last ones go first. */
  excerpts: readonly PromptExcerpt[];
  /** The user's UI language tag: the prompt asks for answers in it. */
  language: string;
  profile: PromptProfile;
  /** Tokens the prompt may take: the context size less what the answer needs. */
  tokenBudget: number;
  countTokens?: CountTokens;
  /** Worked examples in a completion prompt, at most as many as there are (2). */
  demonstrations?: number;
}

/** Which excerpt a citation [n] in the answer refers to. */
export interface PromptSource {
  n: number;
  excerptId: string;
}

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export interface ChatPrompt {
  profile: 'chat';
  messages: ChatMessage[];
  sources: PromptSource[];
}

export interface CompletionPrompt {
  profile: 'completion';
  prompt: string;
  stop: string[];
  sources: PromptSource[];
}

export type BuiltPrompt = ChatPrompt | CompletionPrompt;

/** Role headers and end markers a chat template adds to each message (Llama 3 adds 5). */
const CHAT_TOKENS_PER_MESSAGE = 8;
const DEFAULT_DEMONSTRATIONS = 2;

/**
 * The prompt for a question: instructions in the user's language and the excerpts as numbered sources,
 * cut to the token budget (excerpts go, the question never does). Throws `prompt/too-long` when the
 * question and instructions alone do not fit.
 */
export function buildPrompt(input: PromptInput & { profile: 'chat' }): ChatPrompt;
export function buildPrompt(input: PromptInput & { profile: 'completion' }): CompletionPrompt;
export function buildPrompt(input: PromptInput): BuiltPrompt;
export function buildPrompt(input: PromptInput): BuiltPrompt {
  const strings = promptStringsFor(input.language);
  const count = input.countTokens ?? estimateTokens;
  const render = (excerpts: readonly PromptExcerpt[]): BuiltPrompt =>
    input.profile === 'chat' ? renderChat(input, strings, excerpts) : renderCompletion(input, strings, excerpts);
  const cost = (prompt: BuiltPrompt) =>
    prompt.profile === 'chat'
      ? prompt.messages.reduce((sum, m) => sum + count(m.content) + CHAT_TOKENS_PER_MESSAGE, 0)
      : count(prompt.prompt);

  const bare = cost(render([]));
  if (bare > input.tokenBudget) {
    throw new AppError('prompt/too-long', 'The question and instructions alone exceed the token budget.', {
      tokens: bare,
      budget: input.tokenBudget,
    });
  }
  return render(fitExcerpts(input.excerpts, (kept) => cost(render(kept)) <= input.tokenBudget));
}

function renderChat(input: PromptInput, strings: PromptStrings, excerpts: readonly PromptExcerpt[]): ChatPrompt {
  const system = [strings.role, ...[...strings.rules, strings.answerIn].map((line) => `- ${line}`)].join('\n');
  const user = [patientLine(input.context, strings), input.question.trim()].filter(Boolean).join('\n\n');
  return {
    profile: 'chat',
    messages: [
      { role: 'system', content: `${system}\n\n${sourcesBlock(excerpts, strings)}` },
      { role: 'user', content: user },
    ],
    sources: sourcesOf(excerpts),
  };
}

/** Examples first, then the real sources and question, ending where the model writes the answer. */
function renderCompletion(input: PromptInput, strings: PromptStrings, excerpts: readonly PromptExcerpt[]): CompletionPrompt {
  const { labels } = strings;
  const count = Math.max(0, Math.min(input.demonstrations ?? DEFAULT_DEMONSTRATIONS, strings.demonstrations.length));
  const examples = strings.demonstrations
    .slice(0, count)
    .map((d) => `${sourcesBlock(d.sources, strings)}\n${labels.question}: ${d.question}\n${labels.answer}: ${d.answer}`);
  const patient = patientLine(input.context, strings);
  const real = [sourcesBlock(excerpts, strings), ...(patient ? [patient] : []), `${labels.question}: ${input.question.trim()}`];
  return {
    profile: 'completion',
    prompt: [`${strings.completionIntro} ${strings.answerIn}`, ...examples, `${real.join('\n')}\n${labels.answer}:`].join('\n\n'),
    // The model's next move after an answer is to start another example.
    stop: [`\n${labels.question}:`, `\n\n${labels.sources}:`],
    sources: sourcesOf(excerpts),
  };
}

function sourcesBlock(excerpts: readonly PromptExcerptText[], strings: PromptStrings): string {
  if (excerpts.length === 0) return `${strings.labels.sources}: ${strings.labels.noSources}`;
  const entries = excerpts.map((e, i) => `[${i + 1}] ${e.docTitle} — ${e.section} (${e.citation?.trim() || e.source})\n${e.text.trim()}`);
  return `${strings.labels.sources}:\n${entries.join('\n\n')}`;
}

function patientLine(context: PatientContext | undefined, { labels, patient, separator }: PromptStrings): string {
  if (!context) return '';
  const parts = [
    context.ageBand?.trim() ? `${patient.age} ${context.ageBand.trim()}` : '',
    context.sex ? patient[context.sex] : '',
    context.pregnant === undefined ? '' : context.pregnant ? patient.pregnant : patient.notPregnant,
    context.setting?.trim() ? `${patient.setting}: ${context.setting.trim()}` : '',
  ].filter(Boolean);
  return parts.length ? `${labels.patient}: ${parts.join(separator)}` : '';
}

const sourcesOf = (excerpts: readonly PromptExcerpt[]): PromptSource[] => excerpts.map((e, i) => ({ n: i + 1, excerptId: e.id }));
