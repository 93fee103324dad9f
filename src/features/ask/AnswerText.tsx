import { useTranslation } from 'react-i18next';
import { hrefOf } from '../../app/use-route';
import { parseCitations } from '../../core/prompt/citations';

/** Where each numbered source of an answer opens, when its excerpt is on this tablet. */
export interface SourceLink {
  n: number;
  packId?: string;
  docId?: string;
  excerptId: string;
}

export function sourceHref(source: SourceLink): string | undefined {
  if (!source.packId || !source.docId) return undefined;
  return hrefOf({ name: 'document', packId: source.packId, docId: source.docId, excerptId: source.excerptId, query: '' });
}

/** An answer with its citations [n] as links to the cited excerpts. */
export function AnswerText({ text, sources }: { text: string; sources: readonly SourceLink[] }) {
  const { t } = useTranslation('ask');
  const { segments } = parseCitations(text, sources.length);
  return (
    <p className="ask-answer-text">
      {segments.map((segment, i) => {
        const key = `${i}`;
        if ('text' in segment) return <span key={key}>{segment.text}</span>;
        const source = sources.find((s) => s.n === segment.cite);
        const href = source && sourceHref(source);
        return href ? (
          <a key={key} className="ask-cite" href={href} aria-label={t('citation', { n: segment.cite })}>
            [{segment.cite}]
          </a>
        ) : (
          <span key={key}>[{segment.cite}]</span>
        );
      })}
    </p>
  );
}
