// Types of markdown.js (served to the browser as is, so it stays plain JavaScript).
export interface Inline {
  type: 'text' | 'strong' | 'em' | 'code' | 'link';
  text?: string;
  href?: string;
  children?: Inline[];
}
export interface Block {
  type: 'p' | 'heading' | 'ul' | 'ol' | 'code';
  level?: number;
  start?: number;
  inline?: Inline[];
  items?: Inline[][];
  text?: string;
}
export function parseInline(text: string): Inline[];
export function parseMarkdown(text: string): Block[];
export function renderMarkdown(doc: Document, blocks: Block[]): DocumentFragment;
