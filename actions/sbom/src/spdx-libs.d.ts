// spdx-expression-parse and spdx-satisfies ship no types; these are the calls the license policy makes.
declare module 'spdx-expression-parse' {
  export interface LicenseLeaf {
    license: string;
    plus?: true;
    exception?: string;
  }
  export interface LicenseJunction {
    left: LicenseNode;
    conjunction: 'and' | 'or';
    right: LicenseNode;
  }
  export type LicenseNode = LicenseLeaf | LicenseJunction;
  /** Throws on text that is not an SPDX license expression. */
  function parse(expression: string): LicenseNode;
  export default parse;
}

declare module 'spdx-satisfies' {
  /** Whether `expression` can be satisfied with only the licenses listed (each a single license, no AND/OR). */
  function satisfies(expression: string, approved: string[]): boolean;
  export default satisfies;
}
