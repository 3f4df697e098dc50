/**
 * @module The shape of the house, checked: which module may import which. Data walks one way
 * (door → app → feature → domain/db); a domain module imports only other domain modules; a feature
 * reaches another feature only through that feature's index; the SDK package imports nothing of
 * the service; nothing imports a door; and no source file grows past 400 lines.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAX_LINES = 400;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every relative import of a file, resolved to the file it names (repo-relative, forward slashes). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2];
    if (!spec?.startsWith('.')) continue;
    const base = path.resolve(path.dirname(file), spec.replace(/\.js$/, ''));
    const target = ['.ts', '.tsx', '/index.ts', '/index.tsx', '']
      .map((ext) => base + ext)
      .find((p) => existsSync(p) && statSync(p).isFile());
    found.push(
      path
        .relative(ROOT, target ?? base)
        .split(path.sep)
        .join('/'),
    );
  }
  return found;
}

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
const service = sourceFiles(path.join(ROOT, 'src')).map((f) => ({ file: rel(f), imports: importsOf(f) }));
const sdk = sourceFiles(path.join(ROOT, 'packages')).map((f) => ({ file: rel(f), imports: importsOf(f) }));
const everything = [
  ...service,
  ...sdk,
  ...['test', 'scripts', 'bench', 'tools', 'examples']
    .filter((d) => existsSync(path.join(ROOT, d)))
    .flatMap((d) => sourceFiles(path.join(ROOT, d)))
    .map((f) => ({ file: rel(f), imports: importsOf(f) })),
];

const featureOf = (file: string) => /^src\/features\/([^/]+)\//.exec(file)?.[1] ?? null;

/** A rule's broken imports, as `importer -> imported` lines (empty when the rule holds). */
function violations(
  files: { file: string; imports: string[] }[],
  broken: (file: string, target: string) => boolean,
): string[] {
  return files.flatMap(({ file, imports }) =>
    imports.filter((target) => broken(file, target)).map((target) => `${file} -> ${target}`),
  );
}

describe('import boundaries', () => {
  it('reads the imports it checks (the parser itself works)', () => {
    const app = service.find((f) => f.file === 'src/app/create-app.ts');
    expect(app?.imports).toContain('src/features/readers/routes.ts');
    expect(service.length).toBeGreaterThan(50);
    expect(sdk.length).toBeGreaterThan(5);
  });

  it('a domain module imports nothing of ours but other domain modules', () => {
    const domain = service.filter((f) => f.file.startsWith('src/domain/'));
    expect(violations(domain, (_file, target) => !target.startsWith('src/domain/'))).toEqual([]);
  });

  it('a feature uses another feature only through its index', () => {
    expect(
      violations(service, (file, target) => {
        const from = featureOf(file);
        const to = featureOf(target);
        return from !== null && to !== null && from !== to && target !== `src/features/${to}/index.ts`;
      }),
    ).toEqual([]);
  });

  it('the layers below the features never reach up into them (types of the app excepted)', () => {
    const lower = service.filter((f) => /^src\/(domain|db|lib|http)\//.test(f.file));
    expect(
      violations(
        lower,
        (_file, target) => target.startsWith('src/features/') || target.startsWith('src/doors/'),
      ),
    ).toEqual([]);
  });

  it('the SDK package imports nothing from the service', () => {
    expect(violations(sdk, (_file, target) => !target.startsWith('packages/'))).toEqual([]);
  });

  it('nothing imports a door', () => {
    expect(violations(everything, (_file, target) => target.startsWith('src/doors/'))).toEqual([]);
  });

  it(`no file in src/ or packages/ is over ${MAX_LINES} lines`, () => {
    const long = [...service, ...sdk]
      .filter((f) => !f.file.includes('/test/'))
      .map(({ file }) => ({
        file,
        lines: readFileSync(path.join(ROOT, file), 'utf8').split('\n').length - 1,
      }))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
