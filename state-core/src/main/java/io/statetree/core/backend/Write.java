package io.statetree.core.backend;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * One write of a commit: replace the subtree at a path.
 *
 * @param path the path
 * @param value the new immutable value (see {@link StateValues}), or {@code null} to delete
 * @param payload the payload to deliver with the change, or {@code null}
 */
public record Write(StatePath path, @Nullable Object value, @Nullable Object payload) {

	/**
	 * A write without payload.
	 * @param path the path
	 * @param value the value, or {@code null} to delete
	 * @return the write
	 */
	public static Write of(StatePath path, @Nullable Object value) {
		return new Write(path, value, null);
	}

}
