package io.statetree.sample;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A feature flag, stored at {@code /flags/{name}}: a user gets the feature when the flag is
 * enabled and either it names no segment or the user is in one of its segments.
 *
 * @param enabled whether the flag is on
 * @param segments the segments the flag is limited to; empty (everybody) when absent
 */
public record Flag(boolean enabled, List<String> segments) {

	/**
	 * Creates a flag, defaulting the segments to none.
	 * @param enabled whether the flag is on
	 * @param segments the segments, or {@code null} for none
	 */
	public Flag(boolean enabled, @Nullable List<String> segments) {
		this.enabled = enabled;
		this.segments = (segments != null) ? List.copyOf(segments) : List.of();
	}

	/**
	 * Returns whether a user gets this feature.
	 * @param user the user
	 * @return whether the flag is on for the user
	 */
	public boolean appliesTo(User user) {
		return this.enabled && (this.segments.isEmpty() || this.segments.stream().anyMatch(user.segments()::contains));
	}

	/**
	 * Returns this flag switched the other way.
	 * @return the flag
	 */
	public Flag toggled() {
		return new Flag(!this.enabled, this.segments);
	}

}
