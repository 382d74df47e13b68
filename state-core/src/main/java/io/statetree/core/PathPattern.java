package io.statetree.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
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

	private static final byte LITERAL = 0;

	private static final byte STAR = 1;

	private static final byte DOUBLE_STAR = 2;

	private static final byte VARIABLE = 3;

	private static final String[] NO_SEGMENTS = new String[0];

	private final String[] segments;

	private final byte[] kinds;

	/** The variable name of each segment, or {@code null} for other segments. */
	private final @Nullable String[] names;

	private final List<String> segmentList;

	private final List<String> variableNames;

	private final String text;

	private final boolean concrete;

	private final boolean hasDoubleStar;

	/** The number of segments that are not {@code **}: the least depth a matching path has. */
	private final int minDepth;

	private final @Nullable StatePath path;

	private PathPattern(String[] segments, byte[] kinds, @Nullable String[] names, List<String> variableNames) {
		this.segments = segments;
		this.kinds = kinds;
		this.names = names;
		this.segmentList = Collections.unmodifiableList(Arrays.asList(segments));
		this.variableNames = variableNames;
		this.text = (segments.length == 0) ? "/" : "/" + String.join("/", segments);
		boolean literalOnly = true;
		boolean doubleStar = false;
		int fixed = 0;
		for (byte kind : kinds) {
			if (kind != LITERAL) {
				literalOnly = false;
			}
			if (kind == DOUBLE_STAR) {
				doubleStar = true;
			}
			else {
				fixed++;
			}
		}
		this.concrete = literalOnly;
		this.hasDoubleStar = doubleStar;
		this.minDepth = fixed;
		this.path = literalOnly ? StatePath.ofSegments(this.segmentList) : null;
	}

	/**
	 * Compiles a pattern.
	 * @param pattern e.g. <code>/users/{id}/**</code>
	 * @return the pattern
	 * @throws InvalidPathException naming the pattern and the reason it was rejected
	 */
	public static PathPattern compile(String pattern) {
		if (pattern == null) {
			throw new InvalidPathException("null", "a pattern must not be null");
		}
		int start = 0;
		int end = pattern.length();
		if (end > 0 && pattern.charAt(0) == '/') {
			start = 1;
		}
		if (end > start && pattern.charAt(end - 1) == '/') {
			end--;
		}
		if (start >= end) {
			return new PathPattern(NO_SEGMENTS, new byte[0], NO_SEGMENTS, List.of());
		}
		List<String> parts = new ArrayList<>(8);
		int from = start;
		for (int i = start; i <= end; i++) {
			if (i == end || pattern.charAt(i) == '/') {
				if (i == from) {
					throw new InvalidPathException(pattern, "empty segment at position " + (parts.size() + 1));
				}
				parts.add(pattern.substring(from, i));
				if (parts.size() > StatePath.MAX_DEPTH) {
					throw new InvalidPathException(pattern, "more than " + StatePath.MAX_DEPTH + " segments");
				}
				from = i + 1;
			}
		}
		int count = parts.size();
		String[] segments = parts.toArray(NO_SEGMENTS);
		byte[] kinds = new byte[count];
		String[] names = new String[count];
		List<String> variables = new ArrayList<>(2);
		for (int i = 0; i < count; i++) {
			String segment = segments[i];
			kinds[i] = classify(pattern, segment);
			if (kinds[i] == VARIABLE) {
				String name = segment.substring(1, segment.length() - 1);
				if (variables.contains(name)) {
					throw new InvalidPathException(pattern, "variable '" + name + "' appears more than once");
				}
				variables.add(name);
				names[i] = name;
			}
		}
		return new PathPattern(segments, kinds, names, List.copyOf(variables));
	}

	private static byte classify(String pattern, String segment) {
		if (segment.equals("*")) {
			return STAR;
		}
		if (segment.equals("**")) {
			return DOUBLE_STAR;
		}
		int length = segment.length();
		if (length >= 2 && segment.charAt(0) == '{' && segment.charAt(length - 1) == '}') {
			String problem = variableNameProblem(segment.substring(1, length - 1));
			if (problem != null) {
				throw new InvalidPathException(pattern, "segment '" + segment + "' " + problem);
			}
			return VARIABLE;
		}
		if (segment.indexOf('*') >= 0) {
			throw new InvalidPathException(pattern, "segment '" + segment
					+ "' mixes '*' with other characters (a wildcard must fill its whole segment)");
		}
		if (segment.indexOf('{') >= 0 || segment.indexOf('}') >= 0) {
			throw new InvalidPathException(pattern, "segment '" + segment
					+ "' contains '{' or '}' outside a variable (a variable must fill its whole segment)");
		}
		String problem = StatePath.segmentProblem(segment);
		if (problem != null) {
			throw new InvalidPathException(pattern, "segment '" + segment + "' " + problem);
		}
		return LITERAL;
	}

	private static @Nullable String variableNameProblem(String name) {
		if (name.isEmpty()) {
			return "has an empty variable name";
		}
		int i = 0;
		while (i < name.length()) {
			int cp = name.codePointAt(i);
			boolean ok = (i == 0) ? Character.isJavaIdentifierStart(cp)
					: Character.isJavaIdentifierPart(cp) && !Character.isIdentifierIgnorable(cp);
			if (!ok) {
				return "has a variable name '" + name + "' that is not a Java identifier";
			}
			i += Character.charCount(cp);
		}
		return null;
	}

	/**
	 * Tells whether a path matches this pattern.
	 * @param path the concrete path
	 * @return {@code true} on a match
	 */
	public boolean matches(StatePath path) {
		int n = path.depth();
		int m = this.segments.length;
		if (!this.hasDoubleStar) {
			if (n != m) {
				return false;
			}
			for (int i = 0; i < m; i++) {
				if (this.kinds[i] == LITERAL && !this.segments[i].equals(path.segment(i))) {
					return false;
				}
			}
			return true;
		}
		if (n < this.minDepth) {
			return false;
		}
		// Forward NFA simulation: state i means "the first i pattern segments matched so far".
		boolean[] current = new boolean[m + 1];
		boolean[] next = new boolean[m + 1];
		current[0] = true;
		closeOverDoubleStars(current);
		for (int j = 0; j < n; j++) {
			String segment = path.segment(j);
			Arrays.fill(next, false);
			boolean alive = false;
			for (int i = 0; i < m; i++) {
				if (!current[i]) {
					continue;
				}
				byte kind = this.kinds[i];
				if (kind == DOUBLE_STAR) {
					next[i] = true;
					alive = true;
				}
				else if (kind != LITERAL || this.segments[i].equals(segment)) {
					next[i + 1] = true;
					alive = true;
				}
			}
			if (!alive) {
				return false;
			}
			closeOverDoubleStars(next);
			boolean[] swap = current;
			current = next;
			next = swap;
		}
		return current[m];
	}

	/** Adds the states reachable by letting a {@code **} match nothing. */
	private void closeOverDoubleStars(boolean[] states) {
		for (int i = 0; i < this.kinds.length; i++) {
			if (states[i] && this.kinds[i] == DOUBLE_STAR) {
				states[i + 1] = true;
			}
		}
	}

	/**
	 * Matches a path and captures the variables.
	 * <p>
	 * When {@code **} makes several captures possible, each {@code **} (from the left) takes as
	 * few segments as it can.
	 * @param path the concrete path
	 * @return the captured variables by name (empty for a pattern without variables), or
	 * {@code null} when the path does not match
	 */
	public @Nullable Map<String, String> match(StatePath path) {
		if (this.variableNames.isEmpty()) {
			return matches(path) ? Map.of() : null;
		}
		int n = path.depth();
		int m = this.segments.length;
		if (!this.hasDoubleStar) {
			if (!matches(path)) {
				return null;
			}
			Map<String, String> variables = new LinkedHashMap<>();
			for (int i = 0; i < m; i++) {
				if (this.kinds[i] == VARIABLE) {
					variables.put(this.names[i], path.segment(i));
				}
			}
			return Collections.unmodifiableMap(variables);
		}
		if (n < this.minDepth) {
			return null;
		}
		// ok[i * width + j]: pattern segments from i match path segments from j.
		int width = n + 1;
		boolean[] ok = new boolean[(m + 1) * width];
		ok[m * width + n] = true;
		for (int i = m - 1; i >= 0; i--) {
			byte kind = this.kinds[i];
			for (int j = n; j >= 0; j--) {
				boolean value;
				if (kind == DOUBLE_STAR) {
					value = ok[(i + 1) * width + j] || (j < n && ok[i * width + j + 1]);
				}
				else {
					value = j < n && (kind != LITERAL || this.segments[i].equals(path.segment(j)))
							&& ok[(i + 1) * width + j + 1];
				}
				ok[i * width + j] = value;
			}
		}
		if (!ok[0]) {
			return null;
		}
		Map<String, String> variables = new LinkedHashMap<>();
		for (String name : this.variableNames) {
			variables.put(name, "");
		}
		int i = 0;
		int j = 0;
		while (i < m) {
			byte kind = this.kinds[i];
			if (kind == DOUBLE_STAR) {
				if (ok[(i + 1) * width + j]) {
					i++;
				}
				else {
					j++;
				}
			}
			else {
				if (kind == VARIABLE) {
					variables.put(this.names[i], path.segment(j));
				}
				i++;
				j++;
			}
		}
		return Collections.unmodifiableMap(variables);
	}

	/**
	 * Tells whether this pattern has no wildcard or variable, i.e. matches exactly one path.
	 * @return {@code true} for a concrete path
	 */
	public boolean isConcrete() {
		return this.concrete;
	}

	/**
	 * Returns the raw segments of the pattern: literals, {@code *}, {@code **} and
	 * <code>{name}</code> tokens.
	 * @return the segments, unmodifiable
	 */
	public List<String> segments() {
		return this.segmentList;
	}

	/**
	 * Returns the variable names, in order of appearance.
	 * @return the names, unmodifiable
	 */
	public List<String> variableNames() {
		return this.variableNames;
	}

	/**
	 * Returns the concrete path for a concrete pattern.
	 * @return the path
	 * @throws IllegalStateException if the pattern has wildcards or variables
	 */
	public StatePath toPath() {
		StatePath p = this.path;
		if (p == null) {
			throw new IllegalStateException("Pattern '" + this.text + "' is not a concrete path");
		}
		return p;
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		if (this == obj) {
			return true;
		}
		return (obj instanceof PathPattern other) && this.text.equals(other.text);
	}

	@Override
	public int hashCode() {
		return this.text.hashCode();
	}

	/**
	 * Returns the canonical form: a leading slash, segments joined by {@code /}, no trailing slash.
	 * @return e.g. <code>/users/{id}/**</code>; {@code /} for the root pattern
	 */
	@Override
	public String toString() {
		return this.text;
	}

}
