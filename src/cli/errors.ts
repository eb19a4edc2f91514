/** A command line the tool cannot act on: exit code 2 with the usage text. */
export class UsageError extends Error {}
