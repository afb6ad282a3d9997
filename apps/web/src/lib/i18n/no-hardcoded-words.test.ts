/**
 * Words on screen come from the catalogues, never from a component's markup: the text of the
 * markup and the attributes people read or hear (aria-label, title, alt, placeholder...) may
 * hold no letters outside `{…}`, and no words in the strings such an expression shows
 * (`{isJoining ? 'Joining…' : 'Join'}`). Marks such as "—" and "·" are fine.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../..');

/** Attributes whose value a person reads or hears. */
const READ_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'aria-placeholder',
  'title',
  'alt',
  'placeholder',
  'label',
]);

const hasLetters = (text: string) => /\p{L}/u.test(text);

interface Node {
  type: string;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';

/** The strings an expression can show as they are: literals in its result positions. */
function shownStrings(expression: unknown): string[] {
  if (!isNode(expression)) return [];
  switch (expression.type) {
    case 'Literal':
      return typeof expression.value === 'string' ? [expression.value] : [];
    case 'TemplateLiteral':
      return [
        ...(expression.quasis as { value: { cooked: string } }[]).map((quasi) => quasi.value.cooked),
        ...(expression.expressions as unknown[]).flatMap(shownStrings),
      ];
    case 'ConditionalExpression':
      return [...shownStrings(expression.consequent), ...shownStrings(expression.alternate)];
    case 'LogicalExpression':
      return [...shownStrings(expression.left), ...shownStrings(expression.right)];
    default:
      return [];
  }
}

function valueWords(value: unknown): string[] {
  if (value === true) return [];
  const parts = Array.isArray(value) ? value : [value];
  return parts.flatMap((part: unknown) => {
    if (!isNode(part)) return [];
    if (part.type === 'Text') return [String(part.data)];
    if (part.type === 'ExpressionTag') return shownStrings(part.expression);
    return [];
  });
}

/** Every hard-coded word in a component's markup, with where it is. */
export function hardCodedWords(source: string): string[] {
  const found: string[] = [];
  const ast = parse(source, { modern: true });
  const visit = (node: unknown, where: string): void => {
    if (!isNode(node)) return;
    if (node.type === 'Text') {
      if (hasLetters(String(node.data))) found.push(`${where}: text "${String(node.data).trim()}"`);
      return;
    }
    if (node.type === 'ExpressionTag') {
      for (const text of shownStrings(node.expression)) {
        if (hasLetters(text)) found.push(`${where}: {'${text}'}`);
      }
      return;
    }
    const name = typeof node.name === 'string' ? node.name : where;
    for (const attribute of (node.attributes as unknown[] | undefined) ?? []) {
      if (!isNode(attribute) || attribute.type !== 'Attribute') continue;
      if (!READ_ATTRIBUTES.has(String(attribute.name))) continue;
      for (const text of valueWords(attribute.value)) {
        if (hasLetters(text)) found.push(`<${name}> ${String(attribute.name)}="${text}"`);
      }
    }
    // Blocks ({#if}, {#each}, {#await}, {#key}, snippets) and elements: every fragment inside.
    for (const value of Object.values(node)) {
      if (isNode(value) && value.type === 'Fragment') {
        for (const child of value.nodes as unknown[]) visit(child, name);
      }
    }
  };
  for (const node of ast.fragment.nodes) visit(node, 'markup');
  return found;
}

function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return svelteFiles(path);
    return entry.name.endsWith('.svelte') ? [path] : [];
  });
}

describe('words in components', () => {
  it('finds hard-coded words in text, read attributes and shown literals', () => {
    const source = `<script>let busy = false; let name = 'x';</script>
      <p class="lead">Hello</p>
      <button title="Send (Enter)" aria-pressed={busy}>{busy ? 'Joining…' : name}</button>
      <img alt={\`Photo from \${name}\`} src="a.png" />
      {#if busy}<span>—</span><span>{name} · {busy && 'Soon'}</span>{/if}
      <style>p { color: red; }</style>`;
    expect(hardCodedWords(source)).toEqual([
      'p: text "Hello"',
      '<button> title="Send (Enter)"',
      "button: {'Joining…'}",
      '<img> alt="Photo from "',
      "span: {'Soon'}",
    ]);
  });

  it('has none in any component: their words come from the catalogues', () => {
    const files = svelteFiles(SRC);
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((file) =>
      hardCodedWords(readFileSync(file, 'utf8')).map((word) => `${relative(SRC, file)}: ${word}`),
    );
    expect(found).toEqual([]);
  });
});
