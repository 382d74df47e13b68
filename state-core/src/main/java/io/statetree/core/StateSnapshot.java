package io.statetree.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * A saved subtree (DESIGN §11): the path it was taken at, the revision it reflects and its value.
 * Its JSON form is {@code {"path": "/users", "revision": 12, "value": {...}}}: what
 * {@link StateController#snapshot} returns serialises to it with any Jackson {@code JsonMapper}
 * (the path as its canonical string), {@link StateController#restore} loads it back, and the Boot
 * property {@code statetree.initial-state} and the actuator accept it.
 *
 * <p>Immutable and thread-safe when the value is (values read from the controller are).
 * @param path where the subtree was taken, and where {@code restore} puts it back
 * @param revision the revision the value reflects ({@code 0} when unknown, e.g. hand-written)
 * @param value the subtree, {@code null} when the path was absent (restoring it deletes the path);
 * read from JSON with exact numbers (a decimal as the {@code BigDecimal} its text spells, an
 * integer as the smallest of {@code Integer}, {@code Long}, {@code BigInteger}) whatever the
 * mapper's settings
 */
public record StateSnapshot(StatePath path, long revision,
		@JsonDeserialize(using = SnapshotValueReader.class) @Nullable Object value) {

	public StateSnapshot {
		Objects.requireNonNull(path, "path");
		if (revision < 0) {
			throw new IllegalArgumentException("Snapshot revision " + revision + " is negative");
		}
	}

}
