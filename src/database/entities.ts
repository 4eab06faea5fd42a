/**
 * Every TypeORM entity, listed once (the app, the CLI and the tests share this list).
 * Add a new module's entities here.
 */
export const entities: Function[] = [];
