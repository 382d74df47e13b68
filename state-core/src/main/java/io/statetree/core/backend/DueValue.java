package io.statetree.core.backend;

/**
 * A slot of the in-memory backend's tree whose value has a time to live (DESIGN §12): the value
 * and its due time, kept with the leaf so that one path copy writes both. {@link Branch} unwraps it
 * for every reader ({@code get}, iteration), so only {@link TreeDues} and {@link DueHints} see it.
 * Immutable and thread-safe.
 *
 * @param value the value (not {@code null})
 * @param due the due time on the backend's monotonic nanosecond clock
 */
record DueValue(Object value, long due) {
}
