interface ProgressBarProps {
  /** Accessible name, e.g. "Importing pack". */
  label: string;
  /** 0..1, or null while the total is unknown. */
  value: number | null;
  /** What is happening now, announced to screen readers. */
  status?: string;
}

export function ProgressBar({ label, value, status }: ProgressBarProps) {
  const percent = value === null ? undefined : Math.round(value * 100);
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={status}
      >
        <div className="progress-fill" style={{ inlineSize: `${percent ?? 100}%` }} data-indeterminate={value === null} />
      </div>
      {status ? (
        <p className="progress-status" aria-live="polite">
          {status}
        </p>
      ) : null}
    </div>
  );
}
