// Preloaded into a process under test (node --require): on exit, appends its peak resident
// memory (kB) to the file named by HOSTILE_USAGE_FILE, so a test can bound it.
const { appendFileSync } = require('node:fs');
const file = process.env.HOSTILE_USAGE_FILE;
if (file) {
  process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
}
