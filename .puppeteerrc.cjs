// Puppeteer must never download its own browser here: Debian's chromium is used.
module.exports = { skipDownload: true };
