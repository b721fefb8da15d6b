/**
 * The moment tests act at unless they set their own. Fixed, so that nothing a test asserts depends
 * on the day the suite runs (the suite is also run with the system clock a year ahead).
 */
export const TEST_NOW = new Date("2026-11-26T10:00:00Z");
