// Renders public/icon.svg into the PNG icons the web app manifest names (192 and 512 px,
// and a 512 px maskable one whose shield sits inside the safe circle on the theme colour),
// and the pages' 48 px favicon: a browser decodes a page's favicon on its main thread, and
// an SVG one builds a document of its own there (20–45 ms on a 4× slower CPU, twice during
// the app's start, bench/start-work.mjs's trace), where a small PNG decodes in a millisecond;
// with the same headless Chromium the tests use. The PNGs are committed; run this again
// after changing the SVG: `node scripts/icons.mjs`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../tests/harness.mjs';
import { launchBrowser } from '../tests/browser.mjs';

const svg = await readFile(join(ROOT, 'public', 'icon.svg'), 'utf8');
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  for (const { file, size, maskable } of [
    { file: 'icon-48.png', size: 48 },
    { file: 'icon-192.png', size: 192 },
    { file: 'icon-512.png', size: 512 },
    { file: 'icon-maskable-512.png', size: 512, maskable: true },
  ]) {
    await page.setViewportSize({ width: size, height: size });
    // A maskable icon is cropped to a circle of 80 % of its width: the shield, on white,
    // takes the middle 60 %.
    const inner = maskable ? Math.round(size * 0.6) : size;
    const background = maskable ? '#ffffff' : 'transparent';
    await page.setContent(`<html><body style="margin:0;width:${size}px;height:${size}px;display:grid;place-items:center;background:${background}">
      <div style="width:${inner}px;height:${inner}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</div></body></html>`);
    await page.screenshot({ path: join(ROOT, 'public', file), omitBackground: !maskable });
    console.log(`public/${file}`);
  }
} finally {
  await browser.close();
}
