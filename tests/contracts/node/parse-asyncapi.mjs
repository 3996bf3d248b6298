// Parses every contracts/*/asyncapi.json with @asyncapi/parser (external $refs to
// the JSON Schema files resolved) and fails on any error-severity diagnostic.
// Usage: node parse-asyncapi.mjs <contracts dir>
import { Parser, fromFile } from '@asyncapi/parser';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.resolve(process.argv[2] ?? '../../../contracts');
const docs = fs.readdirSync(dir)
  .map((d) => path.join(dir, d, 'asyncapi.json'))
  .filter((f) => fs.existsSync(f));
if (docs.length === 0) {
  console.error(`no asyncapi.json under ${dir}`);
  process.exit(1);
}
const parser = new Parser();
let failed = 0;
for (const file of docs) {
  const { document, diagnostics } = await fromFile(parser, file).parse();
  const errors = diagnostics.filter((d) => d.severity === 0);
  for (const d of errors) console.error(`${file}: ${d.code}: ${d.message} at /${d.path.join('/')}`);
  if (!document || errors.length) {
    failed++;
    continue;
  }
  const messages = document.allMessages().length;
  const unresolved = document.allMessages().all().filter((m) => !m.hasPayload() || m.payload().type() === undefined && !m.payload().oneOf());
  for (const m of unresolved) console.error(`${file}: message ${m.id()} has no resolved payload schema`);
  if (unresolved.length) failed++;
  console.log(`${path.relative(dir, file)}: ${document.info().title()} ${document.info().version()}: ` +
              `${document.channels().length} channels, ${document.operations().length} operations, ${messages} messages`);
}
process.exit(failed ? 1 : 0);
