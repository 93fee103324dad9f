import { useCallback, useRef, useState } from 'react';
import { type AppErrorData, toErrorData } from '../../core/errors/app-error';
import type { Clock, OutboxEvent } from '../../core/outbox/transition';
import type { PatientContext } from '../../core/prompt/build-prompt';
import { assessUrgency } from '../../core/triage/match';
import { library } from '../../db/library';
import type { StoredExcerpt } from '../../db/library-db';
import { addQuestion, applyEvent } from '../../db/outbox-store';
import { type AnswerEngine, type AnswerRequest, EngineError, type EngineId } from '../../engines/engine';
import { availableEngines, type EnginePolicy } from '../../engines/router';
import { OnDeviceError, type OnDeviceErrorKind } from '../../models/on-device-runtime';
import { requestBackgroundSync } from '../../sync/background-sync';
import { askPrompt } from './ask-prompt';
import { retrieveExcerpts } from './retrieve';

/** Excerpts retrieved for a question: the prompt's numbered sources. */
const EXCERPTS = 5;
/** Stream chunks are saved to the outbox at most this often, not one write per token. */
const SAVE_EVERY_MS = 250;

export interface AskInput {
  question: string;
  context: PatientContext;
  /** Words the triage reads besides the question (the age band and pregnancy, as the user sees them). */
  contextText: string;
  language: string;
  policy: EnginePolicy;
}

export type AskOutcome =
  /** Retrieving, saving, choosing an engine. */
  | 'preparing'
  /** Loading the model on the tablet (`loadFraction`). */
  | 'loading-model'
  | 'streaming'
  | 'answered'
  /** The user stopped the stream: what came is kept, marked incomplete (the item is cancelled). */
  | 'stopped'
  /** The stream broke: the item is back in the queue with the partial answer. */
  | 'interrupted'
  /** No engine can answer now: the item waits for the clinic server. */
  | 'queued'
  /** No model: the excerpts are the answer. */
  | 'excerpts-only'
  | 'failed';

export interface AskResult {
  itemId?: string;
  urgent: boolean;
  signs: string[];
  excerpts: StoredExcerpt[];
  outcome: AskOutcome;
  engine?: EngineId;
  /** The policy was "this tablet only" and the tablet has no model. */
  noDeviceModel?: boolean;
  /** While the tablet's model loads, in [0, 1]. */
  loadFraction?: number;
  /** The tablet's model could not run, and why: the next engine answered instead. */
  deviceFailure?: OnDeviceErrorKind;
  /** Excerpts shown now, and the question still waits for the clinic server. */
  stillQueued?: boolean;
  text: string;
  model?: string;
  error?: AppErrorData;
}

const clock = (): Clock => ({ now: Date.now(), random: Math.random });

/** Triage, retrieval, the outbox and the chosen engine, in that order, for one question at a time. */
export function useAsk(engines: readonly AnswerEngine[]) {
  const [result, setResult] = useState<AskResult | undefined>();
  const abort = useRef<AbortController | undefined>(undefined);

  // Leaving the screen does not stop an answer: it goes on into the outbox, and the history shows it.
  const stop = useCallback(() => abort.current?.abort(), []);

  const ask = useCallback(
    async (input: AskInput) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      const { db } = library();
      const update = (changes: Partial<AskResult>) => {
        if (abort.current === controller || changes.outcome === 'stopped') setResult((r) => (r ? { ...r, ...changes } : r));
      };

      // Danger signs first, before anything that can wait or fail.
      const { urgent, signs } = assessUrgency([input.contextText, input.question].filter(Boolean).join('. '), input.language);
      setResult({ urgent, signs, excerpts: [], outcome: 'preparing', text: '' });

      try {
        // A model already at hand (the clinic's, or the tablet's once loaded: a load would come before the
        // question is saved) also translates a question not asked in English, for the search.
        const model = (await availableEngines(input.policy, engines)).find((e) => e.id !== 'excerpts-only' && (!e.prepare || e.ready?.()));
        const { excerpts } = await retrieveExcerpts(input.question, {
          language: input.language,
          limit: EXCERPTS,
          model,
          signal: controller.signal,
        });
        update({ excerpts });
        const promptInput = { question: input.question, context: input.context, excerpts, language: input.language };
        // The outbox's prompt is for the clinic server's model, as it last said; it answers whatever waits.
        const clinic = engines.find((e) => e.id === 'clinic');
        const queued = askPrompt(await clinic?.promptTarget?.(), promptInput);
        // Saved before anything is sent: the question survives a crash or a lost connection.
        const item = await addQuestion(db, {
          question: input.question.trim(),
          prompt: queued.outbox,
          options: { maxTokens: queued.request.maxTokens },
          localOnly: input.policy === 'device',
          now: Date.now(),
        });
        void requestBackgroundSync();
        update({ itemId: item.id, excerpts: excerpts.slice(0, queued.built.sources.length) });

        for (const engine of await availableEngines(input.policy, engines)) {
          if (engine.id === 'excerpts-only') {
            const noDeviceModel = input.policy === 'device';
            if (noDeviceModel) {
              // Never to leave this tablet: ended here, with the excerpts as its answer.
              await applyEvent(db, item.id, { type: 'send-started', engine: engine.id }, clock());
              await applyEvent(db, item.id, { type: 'cancel' }, clock());
              return update({ outcome: 'excerpts-only', engine: engine.id, noDeviceModel });
            }
            // Waits in the queue for the clinic server; the excerpts meanwhile.
            return update({ outcome: 'excerpts-only', engine: engine.id, stillQueued: true });
          }

          // Claimed before the model loads, so the outbox sync does not post it meanwhile.
          const started = await applyEvent(db, item.id, { type: 'send-started', engine: engine.id }, clock());
          // The outbox sync took it first: it is answered as a job.
          if (!started?.changed) return update({ outcome: 'queued' });
          if (engine.prepare) {
            update({ outcome: 'loading-model', engine: engine.id, loadFraction: 0 });
            try {
              await engine.prepare((progress) => update({ loadFraction: progress.fraction }));
            } catch (error) {
              if (!(error instanceof EngineError && error.kind === 'unavailable')) throw error;
              // Back in the queue, to the next engine: nothing was generated.
              await applyEvent(db, item.id, { type: 'crashed' }, clock());
              update({ deviceFailure: error.cause instanceof OnDeviceError ? error.cause.kind : 'load-failed' });
              continue;
            }
          }
          const live = engine === clinic ? queued : askPrompt(await engine.promptTarget?.(), promptInput);
          update({ outcome: 'streaming', engine: engine.id, excerpts: excerpts.slice(0, live.built.sources.length) });
          return await streamAnswer(engine, live.request, item.id, input.policy === 'device');
        }
        return update({ outcome: 'queued' });
      } catch (error) {
        update({ outcome: 'failed', error: toErrorData(error) });
      }

      /** Streams the engine's answer into the result and, a chunk every so often, into the outbox. */
      async function streamAnswer(engine: AnswerEngine, request: AnswerRequest, itemId: string, localOnly: boolean) {
        let pending = '';
        let text = '';
        let saving = Promise.resolve();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const save = (event: OutboxEvent) => {
          saving = saving.then(() => applyEvent(db, itemId, event, clock()).then(() => undefined));
          return saving;
        };
        const flushChunks = () => {
          clearTimeout(timer);
          timer = undefined;
          if (pending) save({ type: 'stream-chunk', text: pending });
          pending = '';
        };
        try {
          const answer = await engine.answer(
            request,
            (piece) => {
              text += piece;
              pending += piece;
              update({ text });
              timer ??= setTimeout(flushChunks, SAVE_EVERY_MS);
            },
            controller.signal,
          );
          flushChunks();
          if (answer.finishReason === 'aborted') {
            // Stop keeps what came, as an incomplete answer: `cancel` keeps the partial answer and ends the item.
            await save({ type: 'cancel' });
            return update({ outcome: 'stopped', text: answer.text, model: answer.model });
          }
          await save({ type: 'stream-completed', answer: answer.text, model: answer.model });
          update({ outcome: answer.text.trim() ? 'answered' : 'failed', text: answer.text, model: answer.model });
        } catch (error) {
          flushChunks();
          if (error instanceof EngineError && error.kind === 'network-failed' && error.reason) {
            await save({ type: 'network-failed', reason: error.reason });
            return update({ outcome: 'interrupted' });
          }
          const deviceFailure = error instanceof EngineError && error.cause instanceof OnDeviceError ? error.cause.kind : undefined;
          if (localOnly) {
            // Not to be sent anywhere: it ends here, with what came.
            await save({ type: 'cancel' });
            return update({ outcome: 'failed', deviceFailure, error: toErrorData(error) });
          }
          // A refused token or request, or the tablet's model failing mid-answer: back in the queue, where
          // the outbox sync brings the server's answer.
          await save({ type: 'crashed' });
          return update({ outcome: 'queued', deviceFailure });
        }
      }
    },
    [engines],
  );

  return { result, ask, stop };
}
