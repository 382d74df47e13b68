package io.statetree.core.internal;

import java.util.IdentityHashMap;
import java.util.Map;

import io.statetree.core.StateException;
import org.jspecify.annotations.Nullable;

/**
 * A failure made safe to log: the same classes and stack traces, without messages that may quote
 * state values. A Jackson conversion error quotes the value it could not convert, a
 * {@code NumberFormatException} the text it could not parse; state may hold secrets, so only the
 * messages of StateTree's own exceptions (which name paths and types, never values) are kept.
 */
final class Redacted extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** Deeper cause chains are cut here. */
	private static final int MAX_DEPTH = 16;

	private Redacted(String message, @Nullable Throwable cause) {
		super(message, cause, false, true);
	}

	/**
	 * Returns a copy of a failure and its causes, with each message replaced by the class of the
	 * failure and, for StateTree's own exceptions, their message.
	 * @param failure the failure
	 * @return the safe copy
	 */
	static Throwable of(Throwable failure) {
		return copy(failure, new IdentityHashMap<>(), 0);
	}

	private static Throwable copy(Throwable failure, Map<Throwable, Boolean> seen, int depth) {
		Throwable cause = failure.getCause();
		Throwable safeCause = null;
		seen.put(failure, Boolean.TRUE);
		if (cause != null && depth < MAX_DEPTH && !seen.containsKey(cause)) {
			safeCause = copy(cause, seen, depth + 1);
		}
		Redacted safe = new Redacted(describe(failure), safeCause);
		safe.setStackTrace(failure.getStackTrace());
		return safe;
	}

	/**
	 * Describes a failure without quoting values: its class, and the message of StateTree's own
	 * exceptions.
	 * @param failure the failure
	 * @return e.g. {@code java.lang.NumberFormatException (message omitted: it may quote state values)}
	 */
	static String describe(Throwable failure) {
		if (failure instanceof Redacted) {
			return String.valueOf(failure.getMessage());
		}
		if (failure instanceof StateException && failure.getMessage() != null) {
			return failure.getClass().getName() + ": " + failure.getMessage();
		}
		return failure.getClass().getName() + " (message omitted: it may quote state values)";
	}

	@Override
	public String toString() {
		return "redacted " + getMessage();
	}

}
