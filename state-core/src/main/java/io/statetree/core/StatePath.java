package io.statetree.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A concrete location in the state tree: segments separated by {@code /}.
 * <p>
 * The leading slash is optional and a trailing slash is ignored, so {@code users/1},
 * {@code /users/1} and {@code /users/1/} are the same path; {@code ""} and {@code "/"} are the
 * root. Rejected with {@link InvalidPathException}: empty segments, {@code .} and {@code ..},
 * control characters, unpaired surrogates (no UTF-8 form), the pattern tokens {@code *},
 * {@code **} and <code>{...}</code>, more than {@value #MAX_DEPTH} segments, a segment over
 * {@value #MAX_SEGMENT_BYTES} UTF-8 bytes.
 * <p>
 * Instances are immutable; {@link #toString()} gives the canonical form ({@code /users/1}).
 */
public final class StatePath implements Comparable<StatePath> {

	/** The most segments a path may have. */
	public static final int MAX_DEPTH = 128;

	/** The most UTF-8 bytes one segment may take. */
	public static final int MAX_SEGMENT_BYTES = 255;

	private static final String[] NO_SEGMENTS = new String[0];

	/** The root path, {@code /}. */
	public static final StatePath ROOT = new StatePath(NO_SEGMENTS);

	private final String[] segments;

	private int hash;

	private @Nullable String text;

	private StatePath(String[] segments) {
		this.segments = segments;
	}

	/**
	 * Parses a path.
	 * @param path the path, with or without leading and trailing slash
	 * @return the path
	 * @throws InvalidPathException if the path breaks a rule; the message names the path and the
	 * rule
	 */
	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public static StatePath of(String path) {
		if (path == null) {
			throw new InvalidPathException("null", "a path must not be null");
		}
		int length = path.length();
		if (length > MAX_CACHED_LENGTH) {
			return parse(path);
		}
		int slot = path.hashCode() & (CACHE_SLOTS - 1);
		Parsed cached = CACHE[slot];
		if (cached != null && cached.text().equals(path)) {
			return cached.path();
		}
		StatePath parsed = parse(path);
		CACHE[slot] = new Parsed(path, parsed);
		return parsed;
	}

	/** Slots of the parse cache (a power of two). */
	private static final int CACHE_SLOTS = 1_024;

	/** Longer strings are parsed every time, so the cache stays small. */
	private static final int MAX_CACHED_LENGTH = 256;

	/**
	 * Recently parsed paths, one per slot by string hash. Entries are immutable records, so a
	 * racy read sees either a whole entry or none; a collision just parses again.
	 */
	private static final Parsed[] CACHE = new Parsed[CACHE_SLOTS];

	private record Parsed(String text, StatePath path) {
	}

	private static StatePath parse(String path) {
		int start = 0;
		int end = path.length();
		if (end > 0 && path.charAt(0) == '/') {
			start = 1;
		}
		if (end > start && path.charAt(end - 1) == '/') {
			end--;
		}
		if (start >= end) {
			return ROOT;
		}
		List<String> parts = new ArrayList<>(8);
		int from = start;
		for (int i = start; i <= end; i++) {
			if (i == end || path.charAt(i) == '/') {
				if (i == from) {
					throw new InvalidPathException(path, "empty segment at position " + (parts.size() + 1));
				}
				String segment = path.substring(from, i);
				String problem = segmentProblem(segment);
				if (problem != null) {
					throw new InvalidPathException(path, "segment '" + segment + "' " + problem);
				}
				parts.add(segment);
				if (parts.size() > MAX_DEPTH) {
					throw new InvalidPathException(path, "more than " + MAX_DEPTH + " segments");
				}
				from = i + 1;
			}
		}
		return new StatePath(parts.toArray(NO_SEGMENTS));
	}

	/**
	 * Builds a path from already split segments, each checked against the rules.
	 * @param segments the segments, root first
	 * @return the path
	 * @throws InvalidPathException if a segment breaks a rule
	 */
	public static StatePath ofSegments(List<String> segments) {
		if (segments.isEmpty()) {
			return ROOT;
		}
		String[] copy = segments.toArray(NO_SEGMENTS);
		if (copy.length > MAX_DEPTH) {
			throw new InvalidPathException(String.join("/", copy), "more than " + MAX_DEPTH + " segments");
		}
		for (String segment : copy) {
			checkSegment(segment, String.join("/", copy));
		}
		return new StatePath(copy);
	}

	/**
	 * Tells why a segment is not allowed, or {@code null} when it is.
	 * @param segment the segment to check
	 * @return the reason it is rejected, or {@code null}
	 */
	static @Nullable String segmentProblem(String segment) {
		if (segment.isEmpty()) {
			return "is empty";
		}
		if (segment.equals(".") || segment.equals("..")) {
			return "is a relative reference ('.' and '..' are not allowed)";
		}
		if (segment.equals("*") || segment.equals("**")) {
			return "is a pattern token ('" + segment + "') in a concrete path";
		}
		int length = segment.length();
		boolean ascii = true;
		for (int i = 0; i < length; i++) {
			char c = segment.charAt(i);
			if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
				return "contains a control character (U+" + String.format("%04X", (int) c) + ")";
			}
			if (c == '/') {
				return "contains '/'";
			}
			if (c >= 0x80) {
				ascii = false;
				if (Character.isSurrogate(c)) {
					if (Character.isHighSurrogate(c) && i + 1 < length
							&& Character.isLowSurrogate(segment.charAt(i + 1))) {
						i++;
					}
					else {
						// No UTF-8 form: a file's JSON or YAML and Redis would store something else.
						return "contains an unpaired surrogate (U+" + String.format("%04X", (int) c)
								+ "), which has no UTF-8 form";
					}
				}
			}
		}
		if (length > 1 && segment.charAt(0) == '{' && segment.charAt(length - 1) == '}') {
			return "is a pattern variable ('" + segment + "') in a concrete path";
		}
		int bytes = ascii ? length : segment.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > MAX_SEGMENT_BYTES) {
			return "is " + bytes + " UTF-8 bytes long (at most " + MAX_SEGMENT_BYTES + ")";
		}
		return null;
	}

	private static void checkSegment(String segment, String input) {
		String problem = segmentProblem(segment);
		if (problem != null) {
			throw new InvalidPathException(input, "segment '" + segment + "' " + problem);
		}
	}

	/**
	 * Returns the child of this path with one more segment.
	 * @param segment the child's name, a single segment
	 * @return the child path
	 * @throws InvalidPathException if the segment breaks a rule or the path would be too deep
	 */
	public StatePath child(String segment) {
		checkSegment(segment, this + (isRoot() ? "" : "/") + segment);
		if (this.segments.length >= MAX_DEPTH) {
			throw new InvalidPathException(this + "/" + segment, "more than " + MAX_DEPTH + " segments");
		}
		String[] copy = Arrays.copyOf(this.segments, this.segments.length + 1);
		copy[this.segments.length] = segment;
		return new StatePath(copy);
	}

	/**
	 * Resolves a relative path (given as a path string) against this one.
	 * @param relative the path to append, e.g. {@code "a/b"}
	 * @return this path followed by the relative path's segments
	 */
	public StatePath resolve(String relative) {
		return resolve(StatePath.of(relative));
	}

	/**
	 * Resolves a relative path against this one.
	 * @param relative the path to append
	 * @return this path followed by the relative path's segments
	 */
	public StatePath resolve(StatePath relative) {
		if (relative.isRoot()) {
			return this;
		}
		if (isRoot()) {
			return relative;
		}
		int total = this.segments.length + relative.segments.length;
		if (total > MAX_DEPTH) {
			throw new InvalidPathException(this + relative.toString(), "more than " + MAX_DEPTH + " segments");
		}
		String[] copy = Arrays.copyOf(this.segments, total);
		System.arraycopy(relative.segments, 0, copy, this.segments.length, relative.segments.length);
		return new StatePath(copy);
	}

	/**
	 * Returns the parent path.
	 * @return the parent, or {@code null} for the root
	 */
	public @Nullable StatePath parent() {
		if (this.segments.length == 0) {
			return null;
		}
		return prefix(this.segments.length - 1);
	}

	/**
	 * Returns the ancestor-or-self of this path with the given depth.
	 * @param depth the number of leading segments to keep, from 0 (root) to {@link #depth()}
	 * @return the prefix path
	 */
	public StatePath prefix(int depth) {
		if (depth < 0 || depth > this.segments.length) {
			throw new IllegalArgumentException("depth " + depth + " is outside 0.." + this.segments.length);
		}
		if (depth == this.segments.length) {
			return this;
		}
		if (depth == 0) {
			return ROOT;
		}
		return new StatePath(Arrays.copyOf(this.segments, depth));
	}

	/**
	 * Returns the last segment.
	 * @return the name, or {@code ""} for the root
	 */
	public String name() {
		return (this.segments.length == 0) ? "" : this.segments[this.segments.length - 1];
	}

	/**
	 * Returns the segments, root first.
	 * @return an unmodifiable list of segments; empty for the root
	 */
	public List<String> segments() {
		return Collections.unmodifiableList(Arrays.asList(this.segments));
	}

	/**
	 * Returns one segment.
	 * @param index the segment's index, from 0
	 * @return the segment
	 */
	public String segment(int index) {
		return this.segments[index];
	}

	/**
	 * Returns the number of segments.
	 * @return 0 for the root
	 */
	public int depth() {
		return this.segments.length;
	}

	/**
	 * Tells whether this is the root.
	 * @return {@code true} for {@code /}
	 */
	public boolean isRoot() {
		return this.segments.length == 0;
	}

	/**
	 * Tells whether this path is a strict ancestor of another.
	 * @param other the other path
	 * @return {@code true} when {@code other} lies strictly below this path
	 */
	public boolean isAncestorOf(StatePath other) {
		return this.segments.length < other.segments.length && isPrefixOf(other);
	}

	/**
	 * Tells whether this path is the other path or one of its ancestors.
	 * @param other the other path
	 * @return {@code true} when {@code other} equals or lies below this path
	 */
	public boolean isAncestorOrSelf(StatePath other) {
		return this.segments.length <= other.segments.length && isPrefixOf(other);
	}

	private boolean isPrefixOf(StatePath other) {
		for (int i = 0; i < this.segments.length; i++) {
			if (!this.segments[i].equals(other.segments[i])) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Returns the path of a descendant relative to this one.
	 * @param descendant a path equal to or below this one
	 * @return the remaining segments as a path ({@link #ROOT} for this path itself)
	 * @throws IllegalArgumentException if {@code descendant} is not at or below this path
	 */
	public StatePath relativize(StatePath descendant) {
		if (!isAncestorOrSelf(descendant)) {
			throw new IllegalArgumentException(descendant + " is not at or below " + this);
		}
		if (this.segments.length == 0) {
			return descendant;
		}
		return new StatePath(Arrays.copyOfRange(descendant.segments, this.segments.length, descendant.segments.length));
	}

	@Override
	public int compareTo(StatePath other) {
		int n = Math.min(this.segments.length, other.segments.length);
		for (int i = 0; i < n; i++) {
			int c = this.segments[i].compareTo(other.segments[i]);
			if (c != 0) {
				return c;
			}
		}
		return Integer.compare(this.segments.length, other.segments.length);
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		if (this == obj) {
			return true;
		}
		return (obj instanceof StatePath other) && Arrays.equals(this.segments, other.segments);
	}

	@Override
	public int hashCode() {
		int h = this.hash;
		if (h == 0) {
			h = Arrays.hashCode(this.segments);
			this.hash = h;
		}
		return h;
	}

	/**
	 * Returns the canonical form: a leading slash, segments joined by {@code /}, no trailing slash.
	 * @return e.g. {@code /users/1}; {@code /} for the root
	 */
	@Override
	@JsonValue
	public String toString() {
		String t = this.text;
		if (t == null) {
			t = (this.segments.length == 0) ? "/" : "/" + String.join("/", this.segments);
			this.text = t;
		}
		return t;
	}

}
