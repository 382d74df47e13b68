package io.statetree.core;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A pattern over paths: {@code *} matches exactly one segment, {@code **} zero or more segments,
 * <code>{name}</code> one segment captured as a variable. Every other segment matches itself, so
 * a concrete path is a pattern that matches itself.
 * <p>
 * Literal segments follow the rules of {@link StatePath}; a token must fill its whole segment
 * ({@code user-*} is rejected); variable names are Java identifiers and may not repeat. Instances
 * are immutable and compare by their canonical form ({@link #toString()}).
 */
public final class PathPattern {

	// TODO(helper A): implement

	private PathPattern() {
	}

	/**
	 * Compiles a pattern.
	 * @param pattern e.g. <code>/users/{id}/**</code>
	 * @return the pattern
	 * @throws InvalidPathException naming the pattern and the reason it was rejected
	 */
	public static PathPattern compile(String pattern) {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Tells whether a path matches this pattern.
	 * @param path the concrete path
	 * @return {@code true} on a match
	 */
	public boolean matches(StatePath path) {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Matches a path and captures the variables.
	 * @param path the concrete path
	 * @return the captured variables by name (empty for a pattern without variables), or
	 * {@code null} when the path does not match
	 */
	public @Nullable Map<String, String> match(StatePath path) {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Tells whether this pattern has no wildcard or variable, i.e. matches exactly one path.
	 * @return {@code true} for a concrete path
	 */
	public boolean isConcrete() {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Returns the raw segments of the pattern: literals, {@code *}, {@code **} and
	 * <code>{name}</code> tokens.
	 * @return the segments, unmodifiable
	 */
	public List<String> segments() {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Returns the variable names, in order of appearance.
	 * @return the names, unmodifiable
	 */
	public List<String> variableNames() {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Returns the concrete path for a concrete pattern.
	 * @return the path
	 * @throws IllegalStateException if the pattern has wildcards or variables
	 */
	public StatePath toPath() {
		throw new UnsupportedOperationException("not yet");
	}

}
