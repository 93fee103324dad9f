import { detectLanguage } from '../../core/lang/detect';
import { translationOf, translationRequest } from '../../core/prompt/translate-prompt';
import { fuseRankings } from '../../core/search/fuse';
import { library } from '../../db/library';
import type { StoredExcerpt } from '../../db/library-db';
import { searchLibrary } from '../../db/library-queries';
import type { AnswerEngine } from '../../engines/engine';

/** A model that takes longer than this to translate a question is not waited for: the lexicon's excerpts stand. */
const TRANSLATION_TIMEOUT_MS = 15_000;

export interface Retrieved {
  excerpts: StoredExcerpt[];
  /** The model's English for the question, when one translated it. */
  translation?: string;
}

/**
 * The excerpts for a question. Always through the lexicon (no model needed); when the question is not
 * in English and a model is at hand, the model's English translation is searched too, and the two
 * rankings fused: the model knows words the lexicon lacks, the lexicon never makes one up.
 */
export async function retrieveExcerpts(
  question: string,
  { language, limit, model, signal }: { language: string; limit: number; model?: AnswerEngine; signal?: AbortSignal },
): Promise<Retrieved> {
  const { db, store } = library();
  const lexicon = await searchLibrary(db, store, question, { limit, lang: language }).catch(() => ({ hits: [] }));
  const excerpts = lexicon.hits.map((h) => h.excerpt);
  if (!model || detectLanguage(question, language) === 'en') return { excerpts };

  const translation = await translate(model, question, signal);
  if (!translation) return { excerpts };
  const byModel = await searchLibrary(db, store, translation, { limit, lang: 'en' }).catch(() => ({ hits: [] }));
  const fused = fuseRankings([excerpts, byModel.hits.map((h) => h.excerpt)], (e) => `${e.packId}/${e.ordinal}`, limit);
  return { excerpts: fused, translation };
}

async function translate(model: AnswerEngine, question: string, signal?: AbortSignal): Promise<string | undefined> {
  const timeout = AbortSignal.timeout(TRANSLATION_TIMEOUT_MS);
  try {
    await model.prepare?.();
    const target = await model.promptTarget?.();
    const result = await model.answer(
      translationRequest(question, target?.profile ?? 'chat'),
      () => undefined,
      signal ? AbortSignal.any([signal, timeout]) : timeout,
    );
    return result.finishReason === 'aborted' ? undefined : translationOf(result.text);
  } catch {
    // No translation is no failure: the lexicon's excerpts are the answer's sources.
    return undefined;
  }
}
