// An in-memory FileSource for the feature store's unit tests: repository-relative paths to text, listed
// the way workingTree and gitRevision list them (names directly inside a folder, sorted).
import type { FileSource } from '../../actions/lib/platform/file-source.js';

export function memoryFiles(files: Record<string, string>, description = 'working tree'): FileSource {
  const under = (dir: string) =>
    Object.keys(files)
      .filter((f) => f.startsWith(`${dir}/`))
      .map((f) => f.slice(dir.length + 1));
  return {
    description,
    readBytes: (rel) => (rel in files ? Buffer.from(files[rel]) : null),
    list: (dir) =>
      under(dir)
        .filter((f) => !f.includes('/'))
        .sort(),
    listDirs: (dir) =>
      [
        ...new Set(
          under(dir)
            .filter((f) => f.includes('/'))
            .map((f) => f.split('/')[0]),
        ),
      ].sort(),
  };
}
