/**
 * `((var))` references as Concourse writes them: an optional source and a
 * colon, a var name, then `.field`s; a segment in double quotes may hold dots
 * (`(("a.b".c))` is field c of the var named a.b). The source `.` holds a
 * build's local vars (across, load_var), which only exist at run time.
 */
export interface VarRef {
  /** the text between the parentheses, as written */
  text: string;
  /** the var source's name; undefined for the pipeline's own vars */
  source: string | undefined;
  /** the var's name */
  name: string;
  /** fields to walk into the var's value */
  fields: string[];
}

export const LOCAL_SOURCE = ".";

const SEGMENT = String.raw`(?:[-/.\w\p{L}]|"[^"]+")+`;
/** `((source:path))` anywhere in a string. */
export const VAR_PATTERN = new RegExp(String.raw`\(\((?:([-/.\w\p{L}]+):)?(${SEGMENT})\)\)`, "gu");
const WHOLE = new RegExp(String.raw`^\(\((?:([-/.\w\p{L}]+):)?(${SEGMENT})\)\)$`, "u");

/** Parses `source:name.field` (no parentheses); undefined when it is not a reference. */
export function parseVarRef(text: string): VarRef | undefined {
  const m = WHOLE.exec(`((${text}))`);
  return m ? toRef(text, m[1], m[2]!) : undefined;
}

/** The reference when a string is nothing but one `((var))`: its value then replaces the string, type and all. */
export function wholeVarRef(s: string): VarRef | undefined {
  const m = WHOLE.exec(s);
  return m ? toRef(s.slice(2, -2), m[1], m[2]!) : undefined;
}

/** Every reference inside a string, with where it stands. */
export function findVarRefs(s: string): { ref: VarRef; start: number; end: number }[] {
  const found: { ref: VarRef; start: number; end: number }[] = [];
  for (const m of s.matchAll(VAR_PATTERN)) {
    const ref = toRef(m[0].slice(2, -2), m[1], m[2]!);
    if (ref) found.push({ ref, start: m.index, end: m.index + m[0].length });
  }
  return found;
}

function toRef(text: string, source: string | undefined, path: string): VarRef | undefined {
  const segments = splitPath(path);
  if (segments === undefined || segments.length === 0) return undefined;
  const [name, ...fields] = segments as [string, ...string[]];
  return { text, source, name, fields };
}

/** Splits on dots outside double quotes and unquotes; undefined for an empty segment (`a..b`). */
function splitPath(path: string): string[] | undefined {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  let sawQuote = false;
  for (const ch of path) {
    if (ch === '"') {
      quoted = !quoted;
      sawQuote = true;
    } else if (ch === "." && !quoted) {
      if (current === "" && !sawQuote) return undefined;
      out.push(current);
      current = "";
      sawQuote = false;
    } else current += ch;
  }
  if (quoted || (current === "" && !sawQuote)) return undefined;
  out.push(current);
  return out;
}

/** How a reference reads in messages: `((source:name.field))`. */
export function showRef(ref: VarRef): string {
  return `((${ref.text}))`;
}
