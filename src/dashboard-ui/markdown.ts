/**
 * A small Markdown reader for study and trial notes. It parses into a tree of plain objects
 * that components/Markdown.tsx renders as React elements, so note text only ever becomes text
 * nodes: no HTML is parsed or injected, and links keep only http(s) and mailto targets.
 * Supported: headings (#), paragraphs, "-"/"*"/"1." lists, ``` code blocks, `code`,
 * **bold**, *italic* and [links](https://...).
 */

/** Inline content of a block. */
export type Inline =
  | { kind: "text"; text: string }
  | { kind: "code"; text: string }
  | { kind: "strong"; children: Inline[] }
  | { kind: "em"; children: Inline[] }
  | { kind: "link"; href: string; children: Inline[] };

/** One block of a note. */
export type Block =
  | { kind: "heading"; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { kind: "paragraph"; children: Inline[] }
  | { kind: "list"; ordered: boolean; items: Inline[][] }
  | { kind: "code"; text: string };

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/** Parses inline markup; anything unrecognized stays literal text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = "";
  const flush = () => {
    if (plain !== "") out.push({ kind: "text", text: plain });
    plain = "";
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const code = /^`([^`]+)`/.exec(rest);
    const strong = /^\*\*(.+?)\*\*/.exec(rest);
    const em = /^\*([^*\s][^*]*?)\*/.exec(rest) ?? /^_([^_\s][^_]*?)_/.exec(rest);
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(rest);
    if (code !== null) {
      flush();
      out.push({ kind: "code", text: code[1]! });
      i += code[0].length;
    } else if (strong !== null) {
      flush();
      out.push({ kind: "strong", children: parseInline(strong[1]!) });
      i += strong[0].length;
    } else if (em !== null) {
      flush();
      out.push({ kind: "em", children: parseInline(em[1]!) });
      i += em[0].length;
    } else if (link !== null && SAFE_LINK.test(link[2]!)) {
      flush();
      out.push({ kind: "link", href: link[2]!, children: parseInline(link[1]!) });
      i += link[0].length;
    } else {
      plain += text[i];
      i += 1;
    }
  }
  flush();
  return out;
}

/** Parses a note into blocks. */
export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length > 0) {
      blocks.push({ kind: "paragraph", children: parseInline(paragraph.join(" ")) });
    }
    paragraph = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.startsWith("```")) {
      endParagraph();
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !lines[i]!.startsWith("```")) body.push(lines[i++]!);
      blocks.push({ kind: "code", text: body.join("\n") });
      i += 1;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*([-*]|\d+[.)])\s+(.*)$/.exec(line);
    if (heading !== null) {
      endParagraph();
      const level = heading[1]!.length as 1 | 2 | 3 | 4 | 5 | 6;
      blocks.push({ kind: "heading", level, children: parseInline(heading[2]!) });
    } else if (bullet !== null) {
      endParagraph();
      const ordered = /\d/.test(bullet[1]!);
      const items: Inline[][] = [];
      while (i < lines.length) {
        const item = /^\s*([-*]|\d+[.)])\s+(.*)$/.exec(lines[i]!);
        if (item === null || /\d/.test(item[1]!) !== ordered) break;
        items.push(parseInline(item[2]!));
        i += 1;
      }
      blocks.push({ kind: "list", ordered, items });
      continue;
    } else if (line.trim() === "") {
      endParagraph();
    } else {
      paragraph.push(line.trim());
    }
    i += 1;
  }
  endParagraph();
  return blocks;
}
