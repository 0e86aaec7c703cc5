/**
 * The name a model folder goes by when its config names none: the folder's own name, or for
 * a Hugging Face cache snapshot (`…/models--org--name/snapshots/<commit>`) the repository and
 * the commit, `org/name@1a2b3c4`, rather than a bare 40-digit hash.
 */
export function folderName(label: string): string {
  const parts = label.split(/[\\/]/).filter(Boolean);
  const [repo, snapshots, commit] = parts.slice(-3);
  if (parts.length >= 3 && snapshots === 'snapshots' && repo.startsWith('models--')) {
    return `${repo.split('--').slice(1).join('/')}@${commit.slice(0, 7)}`;
  }
  return parts.pop() || label;
}
