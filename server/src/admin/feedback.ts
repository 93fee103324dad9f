import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FEEDBACK_FILES, feedbackSummary, preferencePairs, ratingRecords, toJsonl } from '../feedback/feedback-export';
import { FeedbackStore } from '../feedback/feedback-store';
import type { AdminCommand } from './cli';

const NO_FEEDBACK = "No feedback yet: tablets send clinicians' ratings at their next sync.";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const feedbackCommands: Record<string, AdminCommand> = {
  feedback: {
    usage: 'feedback',
    help: "summarise clinicians' feedback: ratings, comparisons, mean score per criterion",
    run({ db, print }) {
      const summary = feedbackSummary(new FeedbackStore(db).list());
      if (summary.records === 0) {
        print(NO_FEEDBACK);
        return;
      }
      print(`Feedback:       ${plural(summary.records, 'record')} from ${plural(summary.devices, 'tablet')}`);
      print(`Rated answers:  ${summary.ratedAnswers}`);
      print(`Comparisons:    ${summary.pairs} with a preferred answer, ${plural(summary.ties, 'tie')}`);
      print('Mean score (1 to 5) per criterion, and how many ratings:');
      for (const [criterion, { mean, count }] of Object.entries(summary.criteria)) {
        print(`  ${criterion.padEnd(14)} ${mean === null ? '-  ' : mean.toFixed(1)}  (${count})`);
      }
    },
  },
  'feedback-export': {
    usage: 'feedback-export [--out DIR]',
    help: `write ${FEEDBACK_FILES.ratings} (evaluation) and ${FEEDBACK_FILES.preferences} (DPO) to DIR (default: here)`,
    run({ db, print }, args) {
      const { values } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: false, strict: true });
      const rows = new FeedbackStore(db).list();
      if (rows.length === 0) {
        print(NO_FEEDBACK);
        return;
      }
      const dir = resolve(values.out ?? '.');
      mkdirSync(dir, { recursive: true });
      const ratings = ratingRecords(rows);
      const pairs = preferencePairs(rows);
      // New files are readable by the admin only: the lines hold what health workers asked.
      writeFileSync(join(dir, FEEDBACK_FILES.ratings), toJsonl(ratings), { mode: 0o600 });
      writeFileSync(join(dir, FEEDBACK_FILES.preferences), toJsonl(pairs), { mode: 0o600 });
      print(`${plural(ratings.length, 'rated answer')}: ${join(dir, FEEDBACK_FILES.ratings)}`);
      print(`${plural(pairs.length, 'preference pair')}: ${join(dir, FEEDBACK_FILES.preferences)}`);
      print(
        "These files hold health workers' questions: keep them within the clinic and the project's data agreements, and delete copies you no longer need.",
      );
    },
  },
};
