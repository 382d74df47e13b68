package io.statetree.actuate;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

import io.statetree.core.PathPattern;
import io.statetree.core.StatePath;

/**
 * A rule naming the authorities that may read and write a part of the tree through the
 * endpoints. The rule applies to every path its pattern matches and to everything below those
 * paths. An empty set of read authorities leaves reads unrestricted by this rule; writes are
 * unrestricted by it only when both sets are empty.
 *
 * @param pattern the pattern
 * @param read the authorities of which a caller needs one to read (for example {@code ROLE_ADMIN})
 * @param write the authorities of which a caller needs one to write or delete (a caller also
 * needs one of the read authorities to write or delete: it may not overwrite what it may not
 * read)
 */
public record PathRule(PathPattern pattern, Set<String> read, Set<String> write) {

	/**
	 * Creates a rule.
	 * @param pattern the pattern
	 * @param read the authorities that may read; empty for no restriction
	 * @param write the authorities that may write; empty for no restriction
	 */
	public PathRule {
		read = Set.copyOf(read);
		write = Set.copyOf(write);
	}

	/**
	 * Tells whether this rule applies to a path: its pattern matches the path or one of its
	 * ancestors.
	 * @param path the path
	 * @return {@code true} when the rule governs the path
	 */
	public boolean covers(StatePath path) {
		return covers(path.segments());
	}

	/**
	 * Tells whether this rule applies to a path given as segments, which may be any text and
	 * any number of them: the keys of objects inside arrays are not checked as path segments
	 * (they may hold {@code /} or be empty), and arrays may nest deeper than a path may be long.
	 * @param segments the path's segments, root first
	 * @return {@code true} when the pattern matches the path or one of its ancestors
	 */
	public boolean covers(List<String> segments) {
		int n = this.pattern.segments().size();
		BitSet states = start();
		if (states.get(n)) {
			return true;
		}
		for (String segment : segments) {
			states = step(states, segment);
			if (states.isEmpty()) {
				return false;
			}
			if (states.get(n)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Tells whether the pattern matches a path given as segments (any text, any number).
	 * @param segments the path's segments, root first
	 * @return {@code true} on a match
	 */
	public boolean matches(List<String> segments) {
		BitSet states = start();
		for (String segment : segments) {
			states = step(states, segment);
			if (states.isEmpty()) {
				return false;
			}
		}
		return states.get(this.pattern.segments().size());
	}

	/**
	 * Tells whether the pattern could match some path strictly below a path, that is whether a
	 * value written at the path could reach into a part this rule governs.
	 * @param path the path
	 * @return {@code true} when a descendant of the path may match
	 */
	public boolean mayMatchBelow(StatePath path) {
		return mayMatchBelow(path.segments());
	}

	/**
	 * Tells whether the pattern could match some path strictly below a path given as segments
	 * (any text, any number).
	 * @param segments the path's segments, root first
	 * @return {@code true} when a descendant of the path may match
	 */
	public boolean mayMatchBelow(List<String> segments) {
		int n = this.pattern.segments().size();
		BitSet states = start();
		for (String segment : segments) {
			states = step(states, segment);
			if (states.isEmpty()) {
				return false;
			}
		}
		// A state before the end can consume at least one more segment: literals, * and {x}
		// consume exactly one, ** any number, so some longer path reaches the end.
		int first = states.nextSetBit(0);
		return first >= 0 && first < n;
	}

	/** The states of the pattern's automaton before any segment: token indexes, n = matched. */
	private BitSet start() {
		return closure(this.pattern.segments(), single(0));
	}

	/** The states after one more segment. */
	private BitSet step(BitSet states, String segment) {
		List<String> tokens = this.pattern.segments();
		int n = tokens.size();
		BitSet next = new BitSet(n + 1);
		for (int i = states.nextSetBit(0); i >= 0 && i < n; i = states.nextSetBit(i + 1)) {
			String token = tokens.get(i);
			if (token.equals("**")) {
				next.set(i);
			}
			else if (token.equals("*") || isVariable(token) || token.equals(segment)) {
				next.set(i + 1);
			}
		}
		return closure(tokens, next);
	}

	private static BitSet single(int state) {
		BitSet set = new BitSet();
		set.set(state);
		return set;
	}

	private static BitSet closure(List<String> tokens, BitSet states) {
		List<Integer> work = new ArrayList<>();
		states.stream().forEach(work::add);
		while (!work.isEmpty()) {
			int i = work.remove(work.size() - 1);
			if (i < tokens.size() && tokens.get(i).equals("**") && !states.get(i + 1)) {
				states.set(i + 1);
				work.add(i + 1);
			}
		}
		return states;
	}

	private static boolean isVariable(String token) {
		return token.length() >= 2 && token.charAt(0) == '{' && token.charAt(token.length() - 1) == '}';
	}

}
