package io.statetree.core.backend;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * A condition a commit checks atomically before writing: the value at a path must still equal an
 * expected value (JSON equality, see {@link StateValues#equal}).
 *
 * @param path the path
 * @param expected the expected immutable value, {@code null} meaning absent
 */
public record Precondition(StatePath path, @Nullable Object expected) {
}
