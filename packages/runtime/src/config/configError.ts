/** A missing or invalid setting. Apps print its one-line message and exit with code 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
