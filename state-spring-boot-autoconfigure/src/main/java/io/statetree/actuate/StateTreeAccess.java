package io.statetree.actuate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;

/**
 * Who may read and write what through the StateTree endpoints, and what they are shown.
 * <ul>
 * <li>Reading needs the read role, writing and deleting the write role (checked as Spring Boot's
 * own endpoints check roles: {@code isUserInRole}, or a granted authority {@code ROLE_<role>}).</li>
 * <li>Every {@link PathRule} that applies to a path (its pattern matches the path or an ancestor)
 * must grant the operation; writing and deleting also need the rule's read authorities, since a
 * caller may not overwrite, delete or create what it may not read. A write or delete replaces the whole subtree, so it is also refused
 * when a rule the caller fails matches a path below it, in the value there now or in the value
 * written. Rules reach into arrays through their index segments: {@code /list/&#42;/secret}
 * governs the field {@code secret} of every element of the array at {@code /list}. A subtree read
 * leaves out the object fields the caller may not read; an array element the caller may not read
 * reads as {@code null}, so the other elements keep their index.</li>
 * <li>Values under sensitive keys are always masked ({@link StateTreeSanitizer}); all other values
 * are shown according to {@code show-values}, as Spring Boot's {@code env} endpoint does: when
 * not shown, every leaf is replaced by {@value StateTreeSanitizer#MASK} and only the keys remain.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class StateTreeAccess {

	private final String readRole;

	private final String writeRole;

	private final Show showValues;

	private final Set<String> showValuesRoles;

	private final StateTreeSanitizer sanitizer;

	private final List<PathRule> rules;

	/** Whether web callers are trusted with every role (no Spring Security to authenticate them). */
	private final boolean unguarded;

	/**
	 * Creates the policy.
	 * @param readRole the role needed to read
	 * @param writeRole the role needed to write and delete
	 * @param showValues when values are shown
	 * @param showValuesRoles the roles shown values under {@link Show#WHEN_AUTHORIZED}; empty for
	 * every caller allowed to read
	 * @param sanitizer masks sensitive values
	 * @param rules the path rules
	 */
	public StateTreeAccess(String readRole, String writeRole, Show showValues, Collection<String> showValuesRoles,
			StateTreeSanitizer sanitizer, List<PathRule> rules) {
		this.readRole = readRole;
		this.writeRole = writeRole;
		this.showValues = showValues;
		this.showValuesRoles = Set.copyOf(showValuesRoles);
		this.sanitizer = sanitizer;
		this.rules = List.copyOf(rules);
		this.unguarded = false;
	}

	private StateTreeAccess(StateTreeAccess guarded) {
		this.readRole = guarded.readRole;
		this.writeRole = guarded.writeRole;
		this.showValues = guarded.showValues;
		this.showValuesRoles = guarded.showValuesRoles;
		this.sanitizer = guarded.sanitizer;
		this.rules = guarded.rules;
		this.unguarded = true;
	}

	/**
	 * Returns this policy for an application without Spring Security (DESIGN §9), where nothing
	 * authenticates web callers: Spring Boot's exposure and access rules decide who reaches the
	 * endpoints, and every caller that does holds the read and write roles (writing still needs
	 * the endpoint's access to be {@code unrestricted}); path rules naming authorities keep every
	 * web caller out of their paths, and values are shown only under {@code show-values: always}.
	 * Sensitive keys are masked as always.
	 * @return the unguarded policy
	 */
	public StateTreeAccess unguarded() {
		return this.unguarded ? this : new StateTreeAccess(this);
	}

	/**
	 * Tells whether web callers are trusted without authentication ({@link #unguarded()}).
	 * @return whether this policy is unguarded
	 */
	public boolean isUnguarded() {
		return this.unguarded;
	}

	/**
	 * Returns the sanitizer.
	 * @return the sanitizer
	 */
	public StateTreeSanitizer sanitizer() {
		return this.sanitizer;
	}

	/**
	 * Returns the access of one caller.
	 * @param context the caller's security context
	 * @return what that caller may do
	 */
	CallerAccess of(SecurityContext context) {
		return new CallerAccess(this.unguarded ? Caller.unguarded(context) : Caller.of(context));
	}

	/**
	 * Returns the access of the caller of a technology other than the web (JMX), which has its
	 * own authentication: trusted with the read and write roles and shown values unless
	 * {@code show-values} is {@code never} (as Spring Boot's own endpoints show them there), but
	 * granted no authority, so every path rule naming authorities refuses it.
	 * @return what that caller may do
	 */
	CallerAccess operator() {
		return new CallerAccess(Caller.operator());
	}

	/**
	 * How deeply nested a value is shown: the tree holds values nested up to 1,000 levels, more
	 * than the JSON writer of an answer accepts (500, with the answer's own levels around the
	 * value). Deeper objects and arrays are replaced by {@link #TOO_DEEP}.
	 */
	static final int MAX_SHOWN_DEPTH = 400;

	/** What an object or array nested deeper than {@link #MAX_SHOWN_DEPTH} is shown as. */
	static final String TOO_DEEP = "(nested too deep to show)";

	/**
	 * Replaces the objects and arrays nested deeper than {@link #MAX_SHOWN_DEPTH} by
	 * {@link #TOO_DEEP}.
	 * @param value the value
	 * @param depth how many objects and arrays enclose it
	 * @return the value itself when nothing is too deep, otherwise a copy
	 */
	static @Nullable Object limitDepth(@Nullable Object value, int depth) {
		if (value instanceof Map<?, ?> map) {
			if (depth >= MAX_SHOWN_DEPTH) {
				return TOO_DEEP;
			}
			Map<String, @Nullable Object> copy = null;
			int index = 0;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				Object child = entry.getValue();
				Object limited = limitDepth(child, depth + 1);
				if (limited != child && copy == null) {
					copy = new LinkedHashMap<>();
					int i = 0;
					for (Map.Entry<?, ?> earlier : map.entrySet()) {
						if (i++ == index) {
							break;
						}
						copy.put(String.valueOf(earlier.getKey()), earlier.getValue());
					}
				}
				if (copy != null) {
					copy.put(String.valueOf(entry.getKey()), limited);
				}
				index++;
			}
			return (copy != null) ? copy : value;
		}
		if (value instanceof List<?> list) {
			if (depth >= MAX_SHOWN_DEPTH) {
				return TOO_DEEP;
			}
			List<@Nullable Object> copy = null;
			for (int i = 0; i < list.size(); i++) {
				Object child = list.get(i);
				Object limited = limitDepth(child, depth + 1);
				if (limited != child && copy == null) {
					copy = new ArrayList<>(list.subList(0, i));
				}
				if (copy != null) {
					copy.add(limited);
				}
			}
			return (copy != null) ? copy : value;
		}
		return value;
	}

	/**
	 * Whether an operation is allowed.
	 */
	enum Verdict {

		/** Allowed. */
		ALLOWED,

		/** Refused: the caller is not authenticated. */
		UNAUTHENTICATED,

		/** Refused: the caller lacks a role or an authority. */
		FORBIDDEN

	}

	/**
	 * What one caller may do. Not shared between requests.
	 */
	final class CallerAccess {

		private final Caller caller;

		private final List<PathRule> readDenials;

		private final List<PathRule> writeDenials;

		private final boolean showsValues;

		CallerAccess(Caller caller) {
			this.caller = caller;
			List<PathRule> readDenials = new ArrayList<>();
			List<PathRule> writeDenials = new ArrayList<>();
			for (PathRule rule : StateTreeAccess.this.rules) {
				if (!rule.read().isEmpty() && !caller.hasAnyAuthority(rule.read())) {
					readDenials.add(rule);
				}
				// Writing needs the rule's read authorities too: a caller may not overwrite, delete
				// or plant what it may not read (a blind overwrite destroys it, and whether the
				// write changed anything would tell a guessed value).
				if ((!rule.write().isEmpty() && !caller.hasAnyAuthority(rule.write()))
						|| (!rule.read().isEmpty() && !caller.hasAnyAuthority(rule.read()))) {
					writeDenials.add(rule);
				}
			}
			this.readDenials = List.copyOf(readDenials);
			this.writeDenials = List.copyOf(writeDenials);
			this.showsValues = caller.isOperator() ? StateTreeAccess.this.showValues.isShown(true)
					: caller.isAuthenticated() && StateTreeAccess.this.showValues.isShown(caller.context(),
							StateTreeAccess.this.showValuesRoles);
		}

		/**
		 * Tells whether the caller may read through the endpoints at all.
		 * @return the verdict
		 */
		Verdict toRead() {
			if (!this.caller.isAuthenticated()) {
				return Verdict.UNAUTHENTICATED;
			}
			return this.caller.hasRole(StateTreeAccess.this.readRole) ? Verdict.ALLOWED : Verdict.FORBIDDEN;
		}

		/**
		 * Tells whether the caller may read a path.
		 * @param path the path
		 * @return the verdict
		 */
		Verdict toRead(StatePath path) {
			Verdict verdict = toRead();
			if (verdict != Verdict.ALLOWED) {
				return verdict;
			}
			return mayRead(path) ? Verdict.ALLOWED : Verdict.FORBIDDEN;
		}

		/**
		 * Tells whether the caller may write or delete at a path. A write replaces the whole
		 * subtree, so every path it removes or creates must be writable too.
		 * @param path the path
		 * @param current the value there now ({@code null} when absent)
		 * @param replacement the value to write ({@code null} to delete)
		 * @return the verdict
		 */
		Verdict toWrite(StatePath path, @Nullable Object current, @Nullable Object replacement) {
			if (!this.caller.isAuthenticated()) {
				return Verdict.UNAUTHENTICATED;
			}
			if (!this.caller.hasRole(StateTreeAccess.this.writeRole)) {
				return Verdict.FORBIDDEN;
			}
			List<String> segments = new ArrayList<>(path.segments());
			for (PathRule rule : this.writeDenials) {
				if (rule.covers(segments)) {
					return Verdict.FORBIDDEN;
				}
				if (rule.mayMatchBelow(segments)
						&& (reaches(rule, segments, current) || reaches(rule, segments, replacement))) {
					return Verdict.FORBIDDEN;
				}
			}
			return Verdict.ALLOWED;
		}

		/**
		 * Tells whether a rule matches a path strictly below {@code path} inside a value: the
		 * fields of objects and the elements of arrays (index segments), at any depth. Paths are
		 * lists of segments, not {@link StatePath}s: the keys of objects inside arrays are not
		 * checked as path segments (they may hold {@code /}, be empty or too long), and arrays may
		 * nest deeper than a path may be long; the rules hold there too.
		 * @param path the segments of the value's path; restored on return
		 */
		private static boolean reaches(PathRule rule, List<String> path, @Nullable Object value) {
			if (value instanceof Map<?, ?> map) {
				for (Map.Entry<?, ?> entry : map.entrySet()) {
					if (reachesAt(rule, path, String.valueOf(entry.getKey()), entry.getValue())) {
						return true;
					}
				}
			}
			else if (value instanceof List<?> list) {
				for (int i = 0; i < list.size(); i++) {
					if (reachesAt(rule, path, Integer.toString(i), list.get(i))) {
						return true;
					}
				}
			}
			return false;
		}

		private static boolean reachesAt(PathRule rule, List<String> path, String key, @Nullable Object value) {
			path.add(key);
			try {
				return rule.matches(path) || (rule.mayMatchBelow(path) && reaches(rule, path, value));
			}
			finally {
				path.remove(path.size() - 1);
			}
		}

		/**
		 * Tells whether the path rules let the caller read a path (the read role aside).
		 * @param path the path
		 * @return {@code true} when no rule that applies refuses it
		 */
		boolean mayRead(StatePath path) {
			return mayRead(path.segments());
		}

		private boolean mayRead(List<String> segments) {
			for (PathRule rule : this.readDenials) {
				if (rule.covers(segments)) {
					return false;
				}
			}
			return true;
		}

		/**
		 * Tells whether the caller holds the write role (path rules aside).
		 * @return {@code true} when it may write somewhere
		 */
		boolean mayWrite() {
			return this.caller.isAuthenticated() && this.caller.hasRole(StateTreeAccess.this.writeRole);
		}

		/**
		 * Tells whether the caller is shown values (those under sensitive keys aside).
		 * @return {@code true} when values are shown
		 */
		boolean showsValues() {
			return this.showsValues;
		}

		/**
		 * Tells whether the caller may see an application's message about a path (a dead letter's
		 * error may quote the value it was handling): only a caller shown values, and only when
		 * neither the path nor anything in its current value is sensitive.
		 * @param path the path the message is about
		 * @param value the value at the path now (immutable), or {@code null}
		 * @return {@code true} when the message may be shown
		 */
		boolean showsMessageAbout(StatePath path, @Nullable Object value) {
			StateTreeSanitizer sanitizer = StateTreeAccess.this.sanitizer;
			return this.showsValues && !sanitizer.isSensitive(path) && sanitizer.sanitize(path, value) == value;
		}

		/**
		 * Prepares a value read at a path for this caller: leaves out what the caller may not
		 * read, masks sensitive values, and masks every value when values are not shown.
		 * @param path where the value was read; the caller must be allowed to read it
		 * @param value the immutable value
		 * @return what the caller is shown
		 */
		@Nullable Object present(StatePath path, @Nullable Object value) {
			Object visible = filter(new ArrayList<>(path.segments()), value);
			Object sanitized = StateTreeAccess.this.sanitizer.sanitize(path, visible);
			return limitDepth(this.showsValues ? sanitized : StateTreeSanitizer.maskLeaves(sanitized), 0);
		}

		/**
		 * Leaves out what the caller may not read below a path: object fields are left out, as
		 * a subtree read leaves out children; an array element the caller may not read reads as
		 * {@code null}, so the other elements keep their index. The path is a list of segments,
		 * as in {@link #reaches}: any key, any depth.
		 * @param path the segments of the value's path; restored on return
		 */
		private @Nullable Object filter(List<String> path, @Nullable Object value) {
			if (!(value instanceof Map<?, ?> || value instanceof List<?>) || !mayHideBelow(path)) {
				return value;
			}
			if (value instanceof List<?> list) {
				List<@Nullable Object> copy = new ArrayList<>(list.size());
				for (int i = 0; i < list.size(); i++) {
					path.add(Integer.toString(i));
					copy.add(mayRead(path) ? filter(path, list.get(i)) : null);
					path.remove(path.size() - 1);
				}
				return Collections.unmodifiableList(copy);
			}
			Map<String, @Nullable Object> copy = new LinkedHashMap<>();
			for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
				String key = String.valueOf(entry.getKey());
				path.add(key);
				if (mayRead(path)) {
					copy.put(key, filter(path, entry.getValue()));
				}
				path.remove(path.size() - 1);
			}
			return copy;
		}

		private boolean mayHideBelow(List<String> path) {
			for (PathRule rule : this.readDenials) {
				if (rule.mayMatchBelow(path)) {
					return true;
				}
			}
			return false;
		}

	}

}
