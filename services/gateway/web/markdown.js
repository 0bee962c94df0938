// The Markdown an agent's answer may hold (Claude writes lists, bold, code), shown as HTML without
// ever parsing HTML: `parseMarkdown` turns the text into a small tree (pure, tested in Node), and
// `renderMarkdown` builds DOM nodes from it with createElement and text nodes only, so any `<tag>`
// in an answer stays text. Links only for http(s) URLs. No dependency, no build step.

/** @typedef {{ type: 'text' | 'strong' | 'em' | 'code' | 'link', text?: string, href?: string, children?: Inline[] }} Inline */
/** @typedef {{ type: 'p' | 'heading' | 'ul' | 'ol' | 'code', level?: number, start?: number, inline?: Inline[], items?: Inline[][], text?: string }} Block */

const inlinePattern =
  /(`+)([^`]+?)\1|\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__|\*(?=[^\s*])([^*]*?[^\s*])\*|\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g;

/**
 * Inline Markdown: `code`, **strong** (or __strong__), *em*, [text](https://link). Single
 * underscores are left alone (snake_case names are common in answers).
 * @param {string} text
 * @returns {Inline[]}
 */
export function parseInline(text) {
  /** @type {Inline[]} */
  const out = [];
  let last = 0;
  for (const m of text.matchAll(inlinePattern)) {
    if (m.index > last) out.push({ type: 'text', text: text.slice(last, m.index) });
    if (m[2] !== undefined) out.push({ type: 'code', text: m[2] });
    else if (m[3] !== undefined || m[4] !== undefined)
      out.push({ type: 'strong', children: parseInline(m[3] ?? m[4]) });
    else if (m[5] !== undefined) out.push({ type: 'em', children: parseInline(m[5]) });
    else out.push({ type: 'link', text: m[6], href: m[7] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ type: 'text', text: text.slice(last) });
  return out;
}

const fence = /^\s*```/;
const heading = /^(#{1,6})\s+(.*)$/;
const bullet = /^\s*[-*+]\s+(.*)$/;
const numbered = /^\s*(\d{1,9})[.)]\s+(.*)$/;

/**
 * Block Markdown: paragraphs (lines joined with a newline), # headings, - or * bullet lists,
 * 1. numbered lists, ``` fenced code. Anything else is paragraph text.
 * @param {string} text
 * @returns {Block[]}
 */
export function parseMarkdown(text) {
  /** @type {Block[]} */
  const blocks = [];
  /** @type {string[] | null} */
  let paragraph = null;
  /** @type {{ block: Block, items: string[] } | null} */
  let list = null;
  const flush = () => {
    if (paragraph) blocks.push({ type: 'p', inline: parseInline(paragraph.join('\n')) });
    if (list) blocks.push({ ...list.block, items: list.items.map(parseInline) });
    paragraph = null;
    list = null;
  };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence.test(line)) {
      flush();
      const code = [];
      while (++i < lines.length && !fence.test(lines[i])) code.push(lines[i]);
      blocks.push({ type: 'code', text: code.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const h = heading.exec(line);
    if (h) {
      flush();
      blocks.push({ type: 'heading', level: h[1].length, inline: parseInline(h[2]) });
      continue;
    }
    const b = bullet.exec(line);
    const n = b ? null : numbered.exec(line);
    if (b || n) {
      const type = b ? 'ul' : 'ol';
      if (!list || list.block.type !== type) {
        flush();
        list = { block: n ? { type, start: Number(n[1]) } : { type }, items: [] };
      }
      list.items.push(b ? b[1] : n[2]);
      continue;
    }
    // An indented line under a list item continues it; any other line is paragraph text.
    if (list && /^\s+\S/.test(line)) {
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    if (list) flush();
    paragraph ??= [];
    paragraph.push(line);
  }
  flush();
  return blocks;
}

/**
 * DOM nodes for parsed Markdown, built with createElement and text nodes only.
 * @param {Document} doc
 * @param {Block[]} blocks
 * @returns {DocumentFragment}
 */
export function renderMarkdown(doc, blocks) {
  const frag = doc.createDocumentFragment();
  const inline = (parent, nodes) => {
    for (const node of nodes) {
      if (node.type === 'text') parent.append(doc.createTextNode(node.text));
      else if (node.type === 'code') parent.append(element('code', node.text));
      else if (node.type === 'link') {
        const a = element('a', node.text);
        a.href = node.href;
        a.rel = 'noopener noreferrer';
        a.target = '_blank';
        parent.append(a);
      } else {
        const el = doc.createElement(node.type);
        inline(el, node.children);
        parent.append(el);
      }
    }
  };
  const element = (tag, text) => {
    const el = doc.createElement(tag);
    el.textContent = text;
    return el;
  };
  for (const block of blocks) {
    if (block.type === 'code') {
      const pre = doc.createElement('pre');
      pre.append(element('code', block.text));
      frag.append(pre);
    } else if (block.type === 'ul' || block.type === 'ol') {
      const list = doc.createElement(block.type);
      if (block.type === 'ol' && block.start !== 1) list.start = block.start;
      for (const item of block.items) {
        const li = doc.createElement('li');
        inline(li, item);
        list.append(li);
      }
      frag.append(list);
    } else {
      // Headings in an answer are small: h4 at most, so they never outrank the page's own.
      const el = doc.createElement(block.type === 'p' ? 'p' : `h${Math.min(6, block.level + 3)}`);
      inline(el, block.inline);
      frag.append(el);
    }
  }
  return frag;
}
