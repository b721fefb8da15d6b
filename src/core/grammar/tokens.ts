/** A word of a command line; `quoted` words are never read as keywords. */
export interface Token {
  text: string;
  quoted: boolean;
}

const QUOTES: Record<string, string> = { '"': '"', "'": "'", "“": "”", "„": "“", "‘": "’", "«": "»" };

/**
 * Splits a command line into words. Quoted names ("ACME Holding GmbH") stay one word; a comma
 * is a word of its own (it separates order lines); Slack's `<@U123|name>` mentions become `U123`.
 */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  const text = line.replace(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g, "$1").replace(/\s+/g, " ").trim();
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " ") {
      i++;
    } else if (c === ",") {
      tokens.push({ text: ",", quoted: false });
      i++;
    } else if (QUOTES[c]) {
      const close = QUOTES[c]!;
      let end = text.indexOf(close, i + 1);
      if (c === "„" && end < 0) end = text.indexOf('"', i + 1);
      if (end < 0) end = text.length;
      tokens.push({ text: text.slice(i + 1, end).trim(), quoted: true });
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && text[end] !== " " && text[end] !== ",") end++;
      // Keep decimal commas inside numbers and amounts ("2,5", "1.234,50").
      while (text[end] === "," && /\d/.test(text[end - 1] ?? "") && /\d/.test(text[end + 1] ?? "")) {
        end++;
        while (end < text.length && text[end] !== " " && text[end] !== ",") end++;
      }
      tokens.push({ text: text.slice(i, end), quoted: false });
      i = end;
    }
  }
  return tokens;
}

export function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && !token.quoted && words.includes(token.text.toLowerCase());
}

export function joinTokens(tokens: Token[]): string {
  return tokens.map((t) => t.text).join(" ");
}

/** Free text as written (a note): commas stay attached to the word before them, unlike joinTokens. */
export function joinProse(tokens: Token[]): string {
  return tokens.reduce((out, t) => (out === "" ? t.text : !t.quoted && t.text === "," ? `${out},` : `${out} ${t.text}`), "");
}

/** Splits tokens at the first of the given keywords: [before, keyword-index or -1]. */
export function indexOfWord(tokens: Token[], words: string[], from = 0): number {
  for (let i = from; i < tokens.length; i++) if (isWord(tokens[i], ...words)) return i;
  return -1;
}

/**
 * Reads "keyword value…" clauses at the end of a command: `due next friday po 4711`.
 * Returns the leading tokens (before the first clause) and each clause's tokens.
 */
export function clauses(tokens: Token[], keywords: string[]): { head: Token[]; parts: Map<string, Token[]> } {
  const parts = new Map<string, Token[]>();
  let head: Token[] | null = null;
  let current: Token[] = [];
  let key: string | null = null;
  for (const token of tokens) {
    if (isWord(token, ...keywords) && !parts.has(token.text.toLowerCase())) {
      if (key === null) head = current;
      else parts.set(key, current);
      key = token.text.toLowerCase();
      current = [];
    } else {
      current.push(token);
    }
  }
  if (key === null) head = current;
  else parts.set(key, current);
  return { head: head ?? [], parts };
}
