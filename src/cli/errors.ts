// An error meant for the user: printed as one line by main.ts, with exit code 1.
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
