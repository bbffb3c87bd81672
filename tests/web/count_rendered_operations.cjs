// Opens the gateway's /docs in headless Chromium (Debian's) and prints how many API operations
// Swagger UI rendered, so a test can compare it with the route table.
//
//   node count_rendered_operations.cjs <web-tools-dir> <docs-url>
// Exit code 0 with the count on stdout; 1 with the reason on stderr.
const path = require('path');

async function main() {
  const [toolsDir, url] = process.argv.slice(2);
  const { chromium } = require(path.join(toolsDir, 'node_modules', 'playwright-core'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // As root in a sandbox-less machine, with no network beyond loopback.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(url, { waitUntil: 'load', timeout: 30000 });
    await page.waitForSelector('.opblock', { timeout: 30000 });
    // Tags render collapsed or expanded by docExpansion; every operation is an .opblock.
    const count = await page.locator('.opblock').count();
    process.stdout.write(`${count}\n`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
