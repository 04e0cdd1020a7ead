/**
 * Runs of one small element written in one exact form, e.g. coverage.py's
 * `<line number="12" hits="1"/>` or JaCoCo's `<line nr="3" mi="0" ci="3" mb="0" cb="0"/>`,
 * which are nearly all of a large coverage report. A sticky regular expression (native
 * code in V8 from the first run) recognises a whole run at once; only the digits are then
 * read in JavaScript. That form cannot hold a '<', an '&', an unquoted value or an open
 * tag, so what matches is well-formed and needs none of the scanner's per-tag checks.
 */

/** What a scanXml caller asks for; see XmlHandlers.numericRuns. */
export interface XmlNumericRuns {
  /** The element, e.g. `line`. */
  readonly element: string;
  /** Its attributes, in the order they are written; at least one. */
  readonly attributes: readonly string[];
  /**
   * Called for each run, in document order with the other callbacks: `values` holds `count`
   * rows of `attributes.length` numbers each (row-major) and is reused after the call.
   * depth is what openTag would have been given for these elements.
   */
  rows(values: Float64Array, count: number, depth: number): void;
}

/** Plain names only (no regex syntax to escape, no namespaces): ASCII letters, digits, '_' and '-'. */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Digits per value: at most 15 stays a safe integer when read digit by digit. */
const MAX_DIGITS = 15;
/** Elements per regex match: bounds irregexp's backtracking stack however long a run is. */
const MAX_ROWS = 1024;

/** Recognises and reads the runs of one element form; one per scan. */
export class NumericRunReader {
  /** `<element ` : a run can start only where the text has this. */
  readonly opening: string;
  private readonly pattern: RegExp;
  private readonly width: number;
  /** Offset from a value's closing quote to the next value's first digit: `" name="`. */
  private readonly skips: Int32Array;
  private readonly values: Float64Array;

  constructor(private readonly spec: XmlNumericRuns) {
    const { element, attributes } = spec;
    for (const name of [element, ...attributes]) {
      if (!PLAIN_NAME.test(name)) throw new Error(`numericRuns: '${name}' is not a plain XML name`);
    }
    if (attributes.length === 0) throw new Error('numericRuns: at least one attribute is needed');
    this.opening = `<${element} `;
    const one = `<${element}${attributes.map((a) => ` ${a}="\\d{1,${MAX_DIGITS}}"`).join('')}\\/>`;
    // White space goes between elements only, so the text after a run is left as it was.
    this.pattern = new RegExp(`${one}(?:[ \\t\\r\\n]*${one}){0,${MAX_ROWS - 1}}`, 'y');
    this.width = attributes.length;
    this.skips = Int32Array.from(attributes, (a, i) => (i === 0 ? `<${element} ${a}="`.length : ` ${a}="`.length + 1));
    this.values = new Float64Array(MAX_ROWS * attributes.length);
  }

  /**
   * Reads the run starting at lt (a '<' followed by `opening`), hands it to rows and returns
   * the offset after it; undefined when no element there is in the exact form (the caller
   * then reads it as any other tag).
   */
  read(text: string, lt: number, depth: number): number | undefined {
    const pattern = this.pattern;
    pattern.lastIndex = lt;
    if (!pattern.test(text)) return undefined;
    const stop = pattern.lastIndex;
    const values = this.values;
    const skips = this.skips;
    const width = this.width;
    let count = 0;
    let k = lt;
    let v = 0;
    while (k < stop) {
      for (let a = 0; a < width; a++) {
        k += skips[a] as number;
        let value = 0;
        for (let c = text.charCodeAt(k); c !== 0x22 /* " */; c = text.charCodeAt(++k)) value = value * 10 + (c - 0x30);
        values[v++] = value;
      }
      count++;
      k += 3; // `"/>`
      while (k < stop && text.charCodeAt(k) !== 0x3c /* < */) k++;
    }
    this.spec.rows(values, count, depth);
    return stop;
  }
}
