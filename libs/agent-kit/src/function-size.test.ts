import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The longest a function of agent-kit may be, in lines from its first token to its closing brace
 * (the JSDoc above it not counted, a closure's inner functions counted with it): about one screen,
 * so that the heart of an agent can be read whole.
 */
const MAX_LINES = 50;

const srcDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The package's source files: no tests, no declarations. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    const isSource = e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts');
    return isSource ? [path] : [];
  });
}

interface FunctionSize {
  /** `path:line name`, the path from the repository's root. */
  where: string;
  lines: number;
}

/** What a reader would call a function: its own name, or that of what it is assigned to. */
function nameOf(fn: ts.SignatureDeclaration): string {
  if (fn.name) return fn.name.getText();
  if (ts.isConstructorDeclaration(fn)) return 'constructor';
  const { parent } = fn;
  const named =
    ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent);
  return named ? `${parent.name.getText()} (anonymous)` : '(anonymous)';
}

/** The size of every function with a body in `file`, nested ones included. */
function functionSizes(file: string): FunctionSize[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const sizes: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      sizes.push({
        where: `${relative(repoRoot, file)}:${first + 1} ${nameOf(node)}`,
        lines: last - first + 1,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sizes;
}

describe('agent-kit function sizes', () => {
  it(`has no function longer than ${MAX_LINES} lines`, () => {
    const files = sourceFiles(srcDir);
    const sizes = files.flatMap(functionSizes).sort((a, b) => b.lines - a.lines);
    // The walk found the package (a wrong directory would pass with nothing to measure).
    expect(files.length).toBeGreaterThan(10);
    expect(sizes.length).toBeGreaterThan(100);
    const offenders = sizes.filter((s) => s.lines > MAX_LINES).map((s) => `${s.where} ${s.lines}`);
    expect(offenders, `functions over ${MAX_LINES} lines (file:line name length)`).toEqual([]);
  });
});
