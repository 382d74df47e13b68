package io.statetree.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A user, stored at {@code /users/{id}}.
 *
 * @param name the display name
 * @param role {@value #ADMIN} or {@value #MEMBER}; {@value #MEMBER} when absent
 * @param segments the segments the user belongs to, which decide their features; empty when absent
 * @param apiToken a secret the actuator masks; may be absent
 */
public record User(String name, String role, List<String> segments, @Nullable String apiToken) {

	/** The role of administrators. */
	public static final String ADMIN = "admin";

	/** The role of everybody else. */
	public static final String MEMBER = "member";

	/**
	 * Creates a user, defaulting the role to {@value #MEMBER} and the segments to none.
	 * @param name the display name
	 * @param role the role, or {@code null} for {@value #MEMBER}
	 * @param segments the segments, or {@code null} for none
	 * @param apiToken the API token, or {@code null}
	 */
	public User(String name, @Nullable String role, @Nullable List<String> segments, @Nullable String apiToken) {
		this.name = name;
		this.role = (role != null) ? role : MEMBER;
		this.segments = (segments != null) ? List.copyOf(segments) : List.of();
		this.apiToken = apiToken;
	}

	/**
	 * Returns whether the user is an administrator.
	 * @return whether the role is {@value #ADMIN}
	 */
	public boolean admin() {
		return ADMIN.equals(this.role);
	}

	/**
	 * Returns this user with one more segment (unchanged when already in it).
	 * @param segment the segment
	 * @return the user
	 */
	public User withSegment(String segment) {
		if (this.segments.contains(segment)) {
			return this;
		}
		List<String> more = new ArrayList<>(this.segments);
		more.add(segment);
		return new User(this.name, this.role, more, this.apiToken);
	}

	/**
	 * Checks a user received over HTTP.
	 * @param id the user's id, for the message
	 * @return this user
	 * @throws IllegalArgumentException naming the field and the reason
	 */
	public User validated(String id) {
		if (this.name == null || this.name.isBlank()) {
			throw new IllegalArgumentException("User '" + id + "': 'name' must not be blank");
		}
		requireRole(this.role);
		for (String segment : this.segments) {
			if (segment == null || segment.isBlank()) {
				throw new IllegalArgumentException("User '" + id + "': 'segments' must not contain blank entries");
			}
		}
		return this;
	}

	/**
	 * Checks a role name.
	 * @param role the role
	 * @return the role
	 * @throws IllegalArgumentException when it is neither {@value #ADMIN} nor {@value #MEMBER}
	 */
	public static String requireRole(@Nullable String role) {
		if (!ADMIN.equals(role) && !MEMBER.equals(role)) {
			throw new IllegalArgumentException(
					"'role' must be '" + ADMIN + "' or '" + MEMBER + "', not " + ((role != null) ? "'" + role + "'" : "null"));
		}
		return Objects.requireNonNull(role);
	}

}
