export async function seedDemo(_db: unknown): Promise<string> { return "todo"; }
