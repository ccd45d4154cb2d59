/** Types for the tests of import-direction.js (the rule itself is plain JavaScript, as ESLint loads it). */
export declare const LAYERS: string[][];
export declare const ISLANDS: Record<string, { importedBy: string[]; imports: string[] }>;
/** Why a module in src/`from` may not import src/`to`, or null when it may. */
export declare function refusal(from: string, to: string): string | null;
declare const plugin: { rules: Record<string, unknown> };
export default plugin;
