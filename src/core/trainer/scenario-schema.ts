import { z } from 'zod';

/**
 * Trainer-mode case scenarios (content/trainer/scenarios.json): written by the project in its own
 * words, each in every UI language, answered by excerpts of the demo pack so a trainer can run them
 * with no model and no network.
 */
export const SCENARIO_LANGUAGES = ['en', 'fr', 'es', 'pt', 'ar', 'sw'] as const;
export type ScenarioLanguage = (typeof SCENARIO_LANGUAGES)[number];

const text = z.string().trim().min(1);
/** The same text in every UI language. */
const translated = <T extends z.ZodType>(value: T) =>
  z.object(Object.fromEntries(SCENARIO_LANGUAGES.map((l) => [l, value])) as Record<ScenarioLanguage, T>);

export const ScenarioQuestionSchema = z.object({
  /** What a trainee should ask at this point of the case. */
  text: translated(text),
  /** The demo pack's excerpts (ids) that answer it: the trainer checks the search finds them. */
  excerptIds: z.array(z.string().regex(/^demo\./)).min(1),
});

export const ScenarioSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: translated(text),
  /** The case as it presents: who, where, what the health worker sees and is told. */
  story: translated(text),
  questions: z.array(ScenarioQuestionSchema).min(2),
  /** What the trainer draws out at the end. */
  teachingPoints: translated(z.array(text).min(2)),
});

export const ScenariosSchema = z.array(ScenarioSchema).min(12);

export type ScenarioQuestion = z.infer<typeof ScenarioQuestionSchema>;
export type Scenario = z.infer<typeof ScenarioSchema>;
