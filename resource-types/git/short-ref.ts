/**
 * `.git/short_ref`: the first seven bytes of the ref (cut -c1-7), first field
 * only, through `awk '{ printf "<short_ref_format>", $1 }'`. The format is an
 * awk string literal (its escapes apply) and a printf format with that single
 * argument; a second conversion finds no argument, which awk (mawk, as in
 * upstream's Ubuntu image) treats as fatal.
 */
import { JetwayError } from "../../src/protocol/errors.ts";

export function shortRef(ref: string, format: string): string {
  const field = (Buffer.from(ref, "utf8").subarray(0, 7).toString("utf8").trim().split(/[ \t]+/)[0] ?? "").trim();
  return awkPrintf(awkString(format), [field], format);
}

/** Escapes inside an awk string literal. */
function awkString(s: string): string {
  const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };
  return s.replace(/\\([0-7]{1,3}|.)/gs, (whole, e: string) => {
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return simple[e] ?? whole;
  });
}

/** awk's leading-number reading of a string ("12ab" is 12, "ab" is 0). */
function awkNumber(s: string): number {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s);
  return m ? Number(m[0]) : 0;
}

function awkPrintf(fmt: string, args: string[], original: string): string {
  let next = 0;
  const take = (): string => {
    if (next >= args.length) {
      const line = `mawk: run time error: not enough arguments passed to printf("${original}")`;
      throw new JetwayError("INVALID_CONFIG", line, { exitCode: 2, stderr: `${line}\n\tFILENAME="-" FNR=1 NR=1\n` });
    }
    return args[next++]!;
  };
  return fmt.replace(/%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([a-zA-Z%])/g, (whole, flags: string, w?: string, p?: string, conv?: string) => {
    if (conv === "%") return "%";
    const width = w === "*" ? Math.trunc(awkNumber(take())) : w === undefined ? undefined : Number(w);
    const precision = p === "*" ? Math.trunc(awkNumber(take())) : p === undefined ? undefined : Number(p);
    let body: string;
    switch (conv) {
      case "s":
        body = take();
        if (precision !== undefined) body = body.slice(0, precision);
        break;
      case "c": {
        const a = take();
        // a numeric field prints as one byte; above 0x7f that byte is no text, and reads back as U+FFFD
        const byte = /^\s*[+-]?\d/.test(a) && !Number.isNaN(Number(a)) ? awkNumber(a) & 0xff : undefined;
        body = byte === undefined ? a.slice(0, 1) : byte < 0x80 ? String.fromCharCode(byte) : "\ufffd";
        break;
      }
      case "d":
      case "i":
        body = integer(Math.trunc(awkNumber(take())), 10, flags, precision);
        break;
      case "o":
        body = integer(Math.trunc(awkNumber(take())), 8, flags, precision);
        break;
      case "x":
      case "X":
        body = integer(Math.trunc(awkNumber(take())), 16, flags, precision);
        if (conv === "X") body = body.toUpperCase();
        break;
      case "u":
        body = integer(Math.trunc(awkNumber(take())), 10, flags, precision);
        break;
      case "e":
      case "E":
        body = awkNumber(take()).toExponential(precision ?? 6).replace(/e([+-])(\d)$/, "e$10$2");
        if (conv === "E") body = body.toUpperCase();
        break;
      case "f":
      case "F":
        body = awkNumber(take()).toFixed(precision ?? 6);
        break;
      case "g":
      case "G": {
        const n = awkNumber(take());
        body = String(Number(n.toPrecision(precision === 0 ? 1 : (precision ?? 6))));
        if (conv === "G") body = body.toUpperCase();
        break;
      }
      default:
        return whole;
    }
    if (flags.includes("+") && /^[dieEfFgG]$/.test(conv!) && !body.startsWith("-")) body = "+" + body;
    else if (flags.includes(" ") && /^[dieEfFgG]$/.test(conv!) && !body.startsWith("-")) body = " " + body;
    if (width !== undefined && body.length < width) {
      if (flags.includes("-")) body = body.padEnd(width);
      else if (flags.includes("0") && conv !== "s" && conv !== "c") {
        const sign = /^[+\- ]/.test(body) ? body[0]! : "";
        body = sign + body.slice(sign.length).padStart(width - sign.length, "0");
      } else body = body.padStart(width);
    }
    return body;
  });
}

function integer(n: number, radix: number, flags: string, precision: number | undefined): string {
  let digits = Math.abs(n).toString(radix);
  if (precision !== undefined) digits = digits.padStart(precision, "0");
  if (flags.includes("#") && radix === 8 && !digits.startsWith("0")) digits = "0" + digits;
  if (flags.includes("#") && radix === 16 && n !== 0) digits = "0x" + digits;
  return (n < 0 ? "-" : "") + digits;
}
