package io.statetree.core;

import org.jspecify.annotations.Nullable;

/**
 * A value together with the revision it was read at (DESIGN §11). Both come from one consistent
 * snapshot of the tree: the value is exactly what the tree held after the commit with this
 * revision and before the next one. {@code getVersioned} followed by
 * {@code watch(pattern, versioned.revision())} reads a value and then follows every change after
 * it, with nothing missed and nothing repeated.
 *
 * <p>Immutable and thread-safe when the value is (values read from the controller are).
 * @param <T> the value's type
 * @param value the value, {@code null} when the path was absent
 * @param revision the revision of the whole store when the value was read: the newest commit in
 * the tree (on Redis, in the namespace, other instances' commits included), whichever path it
 * changed; not the revision of the last commit that changed this value ({@code 0} before the
 * first commit)
 */
public record Versioned<T>(@Nullable T value, long revision) {
}
