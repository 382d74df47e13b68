package io.statetree.core.backend;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * One write of a commit: replace the subtree at a path.
 *
 * @param path the path
 * @param value the new immutable value (see {@link StateValues}), or {@code null} to delete
 * @param payload the payload to deliver with the change, or {@code null}
 * @param lifetime how long the written value lives (DESIGN §12): {@code null} makes it permanent
 * (it clears any time to live at the path and below), {@link Lifetime#KEEP} keeps what the path
 * had (counters); a write at a path always clears the lifetimes below it, since it replaces that
 * subtree, and keeps its ancestors'
 */
public record Write(StatePath path, @Nullable Object value, @Nullable Object payload, @Nullable Lifetime lifetime) {

	/**
	 * A permanent write.
	 * @param path the path
	 * @param value the value, or {@code null} to delete
	 * @param payload the payload, or {@code null}
	 */
	public Write(StatePath path, @Nullable Object value, @Nullable Object payload) {
		this(path, value, payload, null);
	}

	/**
	 * A write without payload.
	 * @param path the path
	 * @param value the value, or {@code null} to delete
	 * @return the write
	 */
	public static Write of(StatePath path, @Nullable Object value) {
		return new Write(path, value, null, null);
	}

}
