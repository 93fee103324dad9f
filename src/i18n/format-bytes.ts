/** "1.2 GB", "350 MB", in the UI language's digits and separators. */
export function formatBytes(bytes: number, language: string): string {
  const giga = bytes >= 1e9;
  return new Intl.NumberFormat(language, { style: 'unit', unit: giga ? 'gigabyte' : 'megabyte', maximumFractionDigits: 1 }).format(
    giga ? bytes / 1e9 : bytes / 1e6,
  );
}
