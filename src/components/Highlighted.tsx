import type { Segment } from '../core/search/snippet';

/** Text with the matched words marked, built from segments rather than injected HTML. */
export function Highlighted({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) =>
        s.match ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional and never reordered
          <mark key={i}>{s.text}</mark>
        ) : (
          s.text
        ),
      )}
    </>
  );
}
