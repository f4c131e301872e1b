/** The published schemas in docs/ are the ones the code uses, and every bundled scenario follows its schema. */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { parse } from 'yaml';
import { schemaFiles } from '../../cli/write-schemas.js';
import { ROOT } from '../helpers/cli.js';

describe('published schemas', () => {
  for (const [file, text] of Object.entries(schemaFiles())) {
    it(`${file} is up to date (npm run build:schema)`, () => {
      expect(readFileSync(join(ROOT, file), 'utf8')).toBe(text);
    });
  }
  it('every bundled scenario follows docs/scenario.schema.json', () => {
    const Ajv = (AjvModule as any).default ?? AjvModule;
    const ajv = new Ajv({ strict: false, discriminator: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'docs/scenario.schema.json'), 'utf8')));
    const files = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const ok = validate(parse(readFileSync(join(ROOT, 'scenarios', f), 'utf8')));
      expect(ok, `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});
