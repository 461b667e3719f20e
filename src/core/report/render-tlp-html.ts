import type { ReportTlp } from './build-report-tlp.js';
import type { TlpLabel } from './tlp-label.js';

/** FIRST's TLP 2.0 colours: the label's text, on black (https://www.first.org/tlp/). */
const TLP_COLOURS: Readonly<Record<TlpLabel, string>> = {
  'TLP:CLEAR': '#FFFFFF',
  'TLP:GREEN': '#33FF00',
  'TLP:AMBER': '#FFC000',
  'TLP:AMBER+STRICT': '#FFC000',
  'TLP:RED': '#FF2B2B',
};

const LABEL_FONT = `700 12pt/1.2 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace`;

/** Room above and below for the labels' margin boxes. */
const PAGE_MARGIN = '16mm 14mm';

/** `TLP:AMBER+STRICT` -> `tlp-amber-strict`. */
const tlpClass = (label: TlpLabel): string => `tlp-${label.slice(4).toLowerCase().replace('+', '-')}`;

/**
 * The CSS of the labels: text in the standard's colour on black. `print-color-adjust: exact`
 * because browsers leave backgrounds out of print by default, which would print TLP:CLEAR
 * white on white.
 */
export const TLP_STYLE = [
  `.tlp { display: inline-block; margin: 0; padding: 3px 8px; background: #000; font: ${LABEL_FONT}; letter-spacing: 0.02em; white-space: nowrap; -webkit-print-color-adjust: exact; print-color-adjust: exact; }`,
  '.tlp.small { padding: 1px 5px; font-size: 10pt; }',
  '.tlp-none { color: var(--muted); font-style: italic; margin: 0; }',
  ...Object.entries(TLP_COLOURS).map(([label, colour]) => `.${tlpClass(label as TlpLabel)} { color: ${colour}; }`),
].join('\n');

/** A label as FIRST shows it, or the mention that there is none. */
export function renderTlpLabel(label: TlpLabel | null, size: 'large' | 'small' = 'large'): string {
  if (label === null) return size === 'large' ? '<p class="tlp-none">No TLP marking</p>' : '<span class="tlp-none">unmarked</span>';
  const element = size === 'large' ? 'p' : 'span';
  return `<${element} class="tlp ${tlpClass(label)}${size === 'small' ? ' small' : ''}">${label}</${element}>`;
}

/**
 * The label in the header and footer of every printed page (TLP 2.0 asks for both), as page
 * margin boxes, which print on every page without covering the content. Chromium-based
 * browsers draw them; a browser that does not still prints the page's own labels, at the top
 * of the first page and the bottom of the last. A margin box alone in its row takes the row's whole
 * width, so the box is given the label's width (12 pt monospace: 2.6 mm a character, plus its
 * padding), or the whole margin would print black. Nothing for an unmarked report.
 */
export function renderTlpPageRules(tlp: ReportTlp): string {
  if (tlp.label === null) return `@page { margin: ${PAGE_MARGIN}; }`;
  const width = `${(tlp.label.length * 2.6 + 6).toFixed(1)}mm`;
  const box = [
    `content: "${tlp.label}"; color: ${TLP_COLOURS[tlp.label]}; background: #000; font: ${LABEL_FONT};`,
    `width: ${width}; height: 7mm; text-align: center; vertical-align: middle;`,
    '-webkit-print-color-adjust: exact; print-color-adjust: exact;',
  ].join(' ');
  return `@page { margin: ${PAGE_MARGIN}; @top-right { ${box} margin-top: 5mm; } @bottom-right { ${box} margin-bottom: 5mm; } }`;
}
