import data from '../../../content/trainer/scenarios.json';
import type { Scenario, ScenarioLanguage } from '../../core/trainer/scenario-schema';
import { SCENARIO_LANGUAGES } from '../../core/trainer/scenario-schema';

/** The case scenarios, checked against their schema by tests/unit/trainer-scenarios.test.ts. */
export const SCENARIOS = data as Scenario[];

/** The scenario text for the UI language (English where the language is not one scenarios are written in). */
export function inLanguage(language: string): ScenarioLanguage {
  return SCENARIO_LANGUAGES.find((l) => language.startsWith(l)) ?? 'en';
}
