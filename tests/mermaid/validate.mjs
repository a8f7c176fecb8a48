// Validate Mermaid diagrams with the real Mermaid parser.
//
// Usage: node validate.mjs FILE...
// Prints one JSON line per file: {"file": ..., "ok": true, "type": "flowchart-v2"}
// or {"file": ..., "ok": false, "error": "..."}; exits 1 when any file fails,
// 2 on a usage error.  Mermaid's default configuration applies: the parser
// refuses more than maxEdges (500) arrows, and a text longer than maxTextSize
// (50,000 characters) is refused here as mermaid.render() would refuse it.
// Mermaid's sanitizer (DOMPurify) needs a DOM, so a
// jsdom window is installed as the global before mermaid is imported.
import { readFile } from 'node:fs/promises';
import { JSDOM } from 'jsdom';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node validate.mjs FILE...');
  process.exit(2);
}

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

let failed = 0;
for (const file of files) {
  const text = await readFile(file, 'utf8');
  try {
    const limit = mermaid.mermaidAPI.getConfig().maxTextSize ?? 50000;
    if (text.length > limit) {
      throw new Error(`Maximum text size in diagram exceeded: ${text.length} > ${limit} characters`);
    }
    const result = await mermaid.parse(text);
    console.log(JSON.stringify({ file, ok: true, type: result.diagramType }));
  } catch (error) {
    failed += 1;
    const message = String(error && error.message ? error.message : error);
    console.log(JSON.stringify({ file, ok: false, error: message }));
  }
}
process.exit(failed ? 1 : 0);
