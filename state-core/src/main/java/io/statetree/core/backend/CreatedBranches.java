package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory backend's rule for a commit whose writes end where they started, applied to the
 * parts a {@link MountedCommit} splits: a commit that leaves every path it writes as it was writes
 * nothing, not even the branches its writes created on the way ({@link #changesNothing}); but a
 * commit that changes something keeps them, so a part that changes nothing in its own backend
 * (which would drop them) keeps them when the whole commit changes something ({@link #keptBy}).
 * Stateless; thread-safe.
 */
final class CreatedBranches {

	private CreatedBranches() {
	}

	/**
	 * Tells whether writes leave every path they write as it reads now (by {@link ValueEquality}).
	 * @param read reads a path now ({@code null} when absent)
	 * @param childNames lists a path's children now
	 * @param writes the writes, in order
	 * @return whether every written path ends equal to where it started; {@code false} when a
	 * write runs through a leaf (the commit refuses it)
	 */
	static boolean changesNothing(Function<StatePath, @Nullable Object> read,
			Function<StatePath, List<String>> childNames, List<Write> writes) {
		Set<StatePath> paths = new LinkedHashSet<>();
		for (Write write : writes) {
			paths.add(write.path());
		}
		for (StatePath path : paths) {
			Object before = read.apply(path);
			Object after;
			try {
				// a path read into a leaf (an index into an array): a write there changes nothing,
				// as on every backend
				after = StateValues.valueAfter(path, before, leafDepth(childNames, path, before), writes, 0);
			}
			catch (RuntimeException ex) {
				return false;
			}
			if (!StateValues.equal(before, after)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The depth of the shallowest strict ancestor of a path that holds a leaf, or the path's depth
	 * when none does or the path is absent ({@link StateValues#leafDepth}, through a read function).
	 */
	private static int leafDepth(Function<StatePath, List<String>> childNames, StatePath path,
			@Nullable Object value) {
		if (value == null) {
			return path.depth();
		}
		// the root is a branch, and a branch above a path with a value lists the child it runs through
		for (int j = 1; j < path.depth(); j++) {
			if (!childNames.apply(path.prefix(j)).contains(path.segment(j))) {
				return j;
			}
		}
		return path.depth();
	}

	/**
	 * The writes that keep, in a backend, the branches a part's writes create on the way when the
	 * part changes nothing at the paths it writes (its backend would write nothing for it). Only a
	 * part with a delete can: without one, every path it writes holds a value after it, so it held
	 * that value before and its ancestors existed. Not on a shared backend: the branch is written
	 * whole, without a precondition, and another instance may have written below it meanwhile (its
	 * write would be lost); there a part that changes nothing drops the branches, a known difference
	 * from memory.
	 * @param backend the part's backend
	 * @param part the part's writes, paths relative to the backend
	 * @return one write per outermost created branch, with the (empty) branches it holds after the
	 * part, in the order created; empty when the part changes something or creates nothing
	 */
	static List<Write> keptBy(StateBackend backend, List<Write> part) {
		if (part.size() < 2 || backend.isShared() || part.stream().noneMatch((write) -> write.value() == null)
				|| !changesNothing(backend::read, backend::childNames, part)) {
			return List.of();
		}
		List<Write> kept = new ArrayList<>();
		for (Write write : part) {
			StatePath path = write.path();
			if (write.value() == null || covered(kept, path)) {
				continue;
			}
			for (int depth = 1; depth < path.depth(); depth++) {
				StatePath prefix = path.prefix(depth);
				if (backend.read(prefix) == null) {
					Object after = StateValues.valueAfter(prefix, null, part);
					if (after != null) {
						kept.add(new Write(prefix, after, null, null));
					}
					break;
				}
			}
		}
		return kept;
	}

	private static boolean covered(List<Write> kept, StatePath path) {
		for (Write write : kept) {
			if (write.path().isAncestorOrSelf(path)) {
				return true;
			}
		}
		return false;
	}

}
