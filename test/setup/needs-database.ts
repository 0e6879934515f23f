import path from 'node:path';

/**
 * Whether a mocha run needs the test database: not when every spec named on the command line is
 * a unit test (`npm run test:unit`, `npx mocha test/unit/…`), so the fast loop starts no
 * PostgreSQL. Any other spec, or none named (specs from a config), needs it.
 */
export function needsDatabase(argv: readonly string[], root: string, cwd = process.cwd()): boolean {
  const specs = argv.filter((arg) => !arg.startsWith('-') && /(^|[/\\])test[/\\]/.test(arg));
  const unit = path.join(root, 'test', 'unit') + path.sep;
  return specs.length === 0 || !specs.every((spec) => path.resolve(cwd, spec).startsWith(unit));
}
