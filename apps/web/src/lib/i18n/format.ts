/**
 * Numbers, sizes, speeds, durations and times in the page's language, with `Intl` (no
 * hand-made units: "2.0 MB/s" in English, "2.0MB/s" in Korean, "1 min 5 sec" / "1분 5초").
 */
type Options = Intl.NumberFormatOptions;

type Formatter = Intl.NumberFormat | Intl.ListFormat | Intl.DateTimeFormat;
const formatters = new Map<string, Formatter>();

/**
 * Formatters are costly to build (the first of a kind loads the browser's locale data: tens of
 * milliseconds on a slow phone) and are asked for on every progress tick: one per use.
 */
function cached<F extends Formatter>(kind: string, locale: string, options: object, build: () => F): F {
  const key = `${kind}|${locale}|${JSON.stringify(options)}`;
  let format = formatters.get(key) as F | undefined;
  if (!format) {
    format = build();
    formatters.set(key, format);
  }
  return format;
}

const numberFormat = (locale: string, options: Options) =>
  cached('number', locale, options, () => new Intl.NumberFormat(locale, options));

const listFormat = (locale: string, options: Intl.ListFormatOptions) =>
  cached('list', locale, options, () => new Intl.ListFormat(locale, options));

const dateTimeFormat = (locale: string, options: Intl.DateTimeFormatOptions) =>
  cached('date', locale, options, () => new Intl.DateTimeFormat(locale, options));

const NAMES: Intl.ListFormatOptions = { style: 'long', type: 'conjunction' };
const CLOCK: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };

/**
 * Builds, ahead of time, the formatters the call screen shows at once (who is here, the chat's
 * times), so that joining a call does not wait for the browser's locale data.
 */
export function prepareCallFormats(locale: string): void {
  listFormat(locale, NAMES);
  dateTimeFormat(locale, CLOCK);
}

/**
 * "Ada, Bob, and Cy". One name is itself: a call of two announces "Ada is here" without
 * building a list formatter (its first costs tens of milliseconds on a busy machine).
 */
export function formatNames(names: readonly string[], locale: string): string {
  if (names.length <= 1) return names[0] ?? '';
  return listFormat(locale, NAMES).format(names);
}

const unit = (locale: string, name: string, value: number, options: Options = {}) =>
  numberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short', ...options }).format(value);

const BYTE_UNITS = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** Decimal units, as browsers' download lists show them: "300 kB", "1.5 MB". */
function scaled(bytes: number): { value: number; unit: (typeof BYTE_UNITS)[number] | 'byte' } {
  let value = bytes;
  let unitName: (typeof BYTE_UNITS)[number] | 'byte' = 'byte';
  for (const next of BYTE_UNITS) {
    if (value < 1000) break;
    value /= 1000;
    unitName = next;
  }
  return { value, unit: unitName };
}

/** One decimal below 10 ("1.5 MB"), whole numbers above ("300 kB"). */
const digits = (value: number): Options =>
  value < 10 ? { minimumFractionDigits: 1, maximumFractionDigits: 1 } : { maximumFractionDigits: 0 };

export function formatBytes(bytes: number, locale: string): string {
  if (bytes < 1000) return unit(locale, 'byte', bytes, { unitDisplay: 'long' });
  const { value, unit: name } = scaled(bytes);
  return unit(locale, name, value, digits(value));
}

export function formatSpeed(bytesPerSecond: number, locale: string): string {
  const { value, unit: name } = scaled(Math.max(1000, Math.round(bytesPerSecond)));
  const shown = bytesPerSecond < 1000 ? bytesPerSecond / 1000 : value;
  return unit(locale, `${name}-per-second`, shown, digits(shown));
}

/** "1 min 5 sec", "2 hr 10 min": the largest two parts of a duration. */
export function formatDuration(seconds: number, locale: string): string {
  const whole = Math.ceil(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  const parts =
    hours > 0
      ? [unit(locale, 'hour', hours), unit(locale, 'minute', minutes)]
      : minutes > 0
        ? [unit(locale, 'minute', minutes), unit(locale, 'second', rest)]
        : [unit(locale, 'second', rest)];
  return listFormat(locale, { type: 'unit', style: 'narrow' }).format(parts);
}

export function formatKbps(kbps: number, locale: string): string {
  return unit(locale, 'kilobit-per-second', kbps);
}

export function formatMs(ms: number, locale: string): string {
  return unit(locale, 'millisecond', ms);
}

/** `value` is already a percentage (2.5 means 2.5 %). */
export function formatPercent(value: number, locale: string): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value / 100);
}

export function formatNumber(value: number, locale: string): string {
  return numberFormat(locale, {}).format(value);
}

export function formatTime(at: number, locale: string): string {
  return dateTimeFormat(locale, CLOCK).format(at);
}

export function formatDate(at: number, locale: string): string {
  return dateTimeFormat(locale, { dateStyle: 'medium' }).format(at);
}
