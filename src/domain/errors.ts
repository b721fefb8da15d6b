/**
 * Errors the domain raises on purpose. Each carries a message key (translated in src/core/i18n)
 * and the values the message needs; none of them speaks of a platform.
 */
export class DomainError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${key} ${JSON.stringify(params)}`);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(kind: string, ref: string) {
    super("error.notFound", { kind, ref });
  }
}

export class AmbiguousError extends DomainError {
  constructor(kind: string, ref: string, readonly candidates: string[]) {
    super("error.ambiguous", { kind, ref, candidates: candidates.join(", ") });
  }
}

export class ForbiddenError extends DomainError {
  constructor(action: string) {
    super("error.forbidden", { action });
  }
}

export class InvalidInputError extends DomainError {
  constructor(
    readonly field: string,
    key: string,
    params: Record<string, string | number> = {},
  ) {
    super(key, { field, ...params });
  }
}

export class ConflictError extends DomainError {}
