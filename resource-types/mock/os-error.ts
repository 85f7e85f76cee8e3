/** Node's fs errors worded as Go's *os.PathError prints them ("open /x: no such file or directory"). */

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a directory",
  ENOTDIR: "not a directory",
  EEXIST: "file exists",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  ENOSPC: "no space left on device",
  EROFS: "read-only file system",
};

export function goPathError(e: unknown, op: string, path: string): string {
  const err = e as NodeJS.ErrnoException;
  const text = (err.code && ERRNO_TEXT[err.code]) ?? (err instanceof Error ? err.message : String(e));
  return `${err.syscall ?? op} ${err.path ?? path}: ${text}`;
}
