package io.statetree.core.backend;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * One written path of a commit: its value before and after the whole commit.
 *
 * @param path the path written
 * @param oldValue the immutable value before the commit, {@code null} when absent
 * @param newValue the immutable value after the commit, {@code null} when deleted
 * @param payload the payload given with the write, or {@code null}
 */
public record Change(StatePath path, @Nullable Object oldValue, @Nullable Object newValue, @Nullable Object payload) {
}
