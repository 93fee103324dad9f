import { useCallback, useRef, useState } from 'react';
import { type AppErrorData, toErrorData } from '../../core/errors/app-error';
import { library } from '../../db/library';
import type { StoredExcerpt } from '../../db/library-db';
import { searchLibrary } from '../../db/library-queries';
import type { AnswerEngine, EngineId } from '../../engines/engine';
import { availableEngines } from '../../engines/router';
import { askPrompt } from '../ask/ask-prompt';

export interface TrainerAnswer {
  status: 'searching' | 'loading-model' | 'streaming' | 'done' | 'failed';
  excerpts: StoredExcerpt[];
  /** Who wrote `text`; excerpts-only when no model can run here. */
  engine?: EngineId;
  text: string;
  model?: string;
  error?: AppErrorData;
}

const EXCERPTS = 5;

/**
 * Answers a scenario's questions for a training session: the library's excerpts, then the best model at
 * hand if there is one. Nothing goes to the outbox or the history: a demonstration is not a patient's
 * question, and a trainer with no network must never see one queued.
 */
export function useTrainerAnswers(engines: readonly AnswerEngine[]) {
  const [answers, setAnswers] = useState<Record<string, TrainerAnswer>>({});
  const running = useRef(new Map<string, AbortController>());

  const ask = useCallback(
    async (key: string, question: { search: string; asked: string }, language: string) => {
      running.current.get(key)?.abort();
      const controller = new AbortController();
      running.current.set(key, controller);
      const update = (changes: Partial<TrainerAnswer>) =>
        setAnswers((all) => ({ ...all, [key]: { ...(all[key] ?? { status: 'searching', excerpts: [], text: '' }), ...changes } }));
      update({ status: 'searching', excerpts: [], text: '', engine: undefined, error: undefined });

      const { db, store } = library();
      const found = await searchLibrary(db, store, question.search, { limit: EXCERPTS, lang: 'en' }).catch(() => ({ hits: [] }));
      const excerpts = found.hits.map((h) => h.excerpt);
      update({ excerpts });

      for (const engine of await availableEngines('auto', engines)) {
        if (engine.id === 'excerpts-only') break;
        try {
          if (engine.prepare) {
            update({ status: 'loading-model', engine: engine.id });
            await engine.prepare();
          }
          const prompt = askPrompt(await engine.promptTarget?.(), { question: question.asked, excerpts, language });
          update({ status: 'streaming', engine: engine.id, excerpts: excerpts.slice(0, prompt.built.sources.length) });
          let text = '';
          const result = await engine.answer(
            prompt.request,
            (piece) => {
              text += piece;
              update({ text });
            },
            controller.signal,
          );
          return update({ status: 'done', text: result.text, model: result.model });
        } catch (error) {
          // The next engine, and at the end the excerpts alone: a demonstration goes on whatever fails.
          update({ error: toErrorData(error), text: '' });
        }
      }
      update({ status: 'done', engine: 'excerpts-only' });
    },
    [engines],
  );

  const reset = useCallback(() => {
    for (const controller of running.current.values()) controller.abort();
    running.current.clear();
    setAnswers({});
  }, []);

  return { answers, ask, reset };
}
