import type { ReactNode } from "react";
import { type Block, type Inline, parseMarkdown } from "../markdown.js";

// Keys are positions: a rendered note is rebuilt whole from its text, never reordered.
function inline(nodes: Inline[]): ReactNode[] {
  return nodes.map((node, position) => inlineNode(node, `i${position}`));
}

function inlineNode(node: Inline, key: string): ReactNode {
  switch (node.kind) {
    case "text":
      return node.text;
    case "code":
      return <code key={key}>{node.text}</code>;
    case "strong":
      return <strong key={key}>{inline(node.children)}</strong>;
    case "em":
      return <em key={key}>{inline(node.children)}</em>;
    case "link":
      return (
        <a key={key} href={node.href} target="_blank" rel="noopener noreferrer nofollow">
          {inline(node.children)}
        </a>
      );
  }
}

function block(node: Block, position: number): ReactNode {
  const index = `b${position}`;
  switch (node.kind) {
    case "heading": {
      const Tag = `h${Math.min(6, node.level + 2)}` as "h3";
      return <Tag key={index}>{inline(node.children)}</Tag>;
    }
    case "paragraph":
      return <p key={index}>{inline(node.children)}</p>;
    case "code":
      return (
        <pre key={index}>
          <code>{node.text}</code>
        </pre>
      );
    case "list": {
      const items = node.items.map((item, i) => listItem(item, `l${i}`));
      return node.ordered ? <ol key={index}>{items}</ol> : <ul key={index}>{items}</ul>;
    }
  }
}

function listItem(item: Inline[], key: string): ReactNode {
  return <li key={key}>{inline(item)}</li>;
}

/** A note rendered from Markdown, every piece of user text as a React text node. */
export function Markdown({ source }: { source: string }) {
  return <div className="markdown">{parseMarkdown(source).map(block)}</div>;
}
