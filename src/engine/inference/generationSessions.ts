/**
 * The generation session of each loaded decoder, made on its first continuation and kept for
 * the next (a big model's graph takes seconds to load). It belongs to the model it was made
 * for: once that model is released (evicted, replaced), its generation session is released
 * too — at the next continuation or eviction, whichever comes first — so two sessions of one
 * big model never outlive the model.
 */
import type { ModelFiles } from '../folder/modelFiles';
import { type GenerationFolder, GenerationSession } from './decoderGeneration';

interface Owner {
  readonly released: boolean;
  readonly folder: GenerationFolder;
}

const sessions = new Map<Owner, Promise<GenerationSession>>();

/** The session of `owner`'s graph, made once. */
export async function generationSessionFor(
  owner: Owner,
  files: () => ModelFiles,
): Promise<GenerationSession> {
  await releaseGenerationSessions((candidate) => candidate.released);
  let session = sessions.get(owner);
  if (!session) {
    session = GenerationSession.open(files(), owner.folder);
    sessions.set(owner, session);
    // A session that failed to open is not kept: the next continuation tries again.
    session.catch(() => sessions.delete(owner));
  }
  return session;
}

/** Releases the sessions whose owner `which` picks (default: all). */
export async function releaseGenerationSessions(
  which: (owner: Owner) => boolean = () => true,
): Promise<void> {
  const dropped = [...sessions].filter(([owner]) => which(owner));
  for (const [owner] of dropped) sessions.delete(owner);
  await Promise.all(
    dropped.map(([, session]) =>
      session.then(
        (opened) => opened.release(),
        () => undefined,
      ),
    ),
  );
}
