export declare const ROOT: string;
export declare const STAMP: string;
export declare function stampSources(): { files: Record<string, [number, number, string]> };
export declare function staleBuild(): string | null;
