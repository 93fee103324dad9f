/**
 * Draws the app icons from one SVG mark: public/favicon.svg and the PNGs the web manifest and iOS use.
 * Run after changing the design: npx tsx scripts/make-icons.ts
 * PNGs are rendered by headless Chromium, since no image tooling is available offline.
 */
import { writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './find-chromium';

const TEAL = '#0b5d4b';

// White open book under a medical cross, drawn on a 512 grid and centred on (256, 256).
const MARK = `<g fill="#fff">
  <rect x="236" y="105" width="40" height="104" rx="6"/>
  <rect x="204" y="137" width="104" height="40" rx="6"/>
  <path d="M248 241C214 219 170 211 124 215V381C170 377 214 385 248 407Z"/>
  <path d="M264 241C298 219 342 211 388 215V381C342 377 298 385 264 407Z"/>
</g>`;

interface IconDesign {
  /** Rounded tile with transparent corners; otherwise full-bleed, for platforms that apply their own mask. */
  rounded: boolean;
  /** Mark size relative to the tile; maskable icons keep it inside the central 80% safe zone. */
  scale: number;
}

function iconSvg({ rounded, scale }: IconDesign, size?: number): string {
  const dimensions = size ? ` width="${size}" height="${size}"` : '';
  const mark = scale === 1 ? MARK : `<g transform="translate(${256 * (1 - scale)} ${256 * (1 - scale)}) scale(${scale})">${MARK}</g>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"${dimensions}>
<title>Meditron Field</title>
<rect width="512" height="512" rx="${rounded ? 112 : 0}" fill="${TEAL}"/>
${mark}
</svg>
`;
}

const ROUNDED: IconDesign = { rounded: true, scale: 1 };

const PNGS: { file: string; size: number; design: IconDesign }[] = [
  { file: 'public/icons/icon-192.png', size: 192, design: ROUNDED },
  { file: 'public/icons/icon-512.png', size: 512, design: ROUNDED },
  { file: 'public/icons/icon-512-maskable.png', size: 512, design: { rounded: false, scale: 0.8 } },
  // iOS rounds the corners itself and shows transparency as black.
  { file: 'public/icons/apple-touch-icon.png', size: 180, design: { rounded: false, scale: 1 } },
];

await writeFile('public/favicon.svg', iconSvg(ROUNDED));

const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const { file, size, design } of PNGS) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<body style="margin:0">${iconSvg(design, size).replace('<svg ', '<svg style="display:block" ')}</body>`);
    await page.locator('svg').screenshot({ path: file, omitBackground: true });
    console.log(`wrote ${file}`);
  }
} finally {
  await browser.close();
}
