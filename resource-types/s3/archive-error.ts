/** A refused or unreadable archive, worded as the line upstream prints for it. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArchiveError";
  }
}
