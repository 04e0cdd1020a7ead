export declare function canonicalJson(value: unknown): string;
export declare function allUnique(items: readonly unknown[]): boolean;
