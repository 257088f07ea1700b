// Declarations of bin/compiled.js (plain JavaScript: it runs before tsx is loaded).
export declare const STAMP_FILE: string;
export declare const packageRoot: string;
export declare function sourceHash(dir: string): string;
export declare function compiledEntry(entry: string, root?: string): string | undefined;
