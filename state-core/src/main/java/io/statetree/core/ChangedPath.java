package io.statetree.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One path a {@link Commit} changed, with its value before and after (DESIGN §11). A subtree
 * write is one {@code ChangedPath} at the written path whose values are the whole subtrees.
 *
 * <p>Immutable and thread-safe: the values are the controller's immutable values (unmodifiable
 * maps and lists, strings, numbers, booleans).
 * @param path the written path
 * @param oldValue the value before the commit, {@code null} when the path was absent
 * @param newValue the value after the commit, {@code null} when the commit deleted the path
 */
public record ChangedPath(StatePath path, @Nullable Object oldValue, @Nullable Object newValue) {

	public ChangedPath {
		Objects.requireNonNull(path, "path");
	}

}
