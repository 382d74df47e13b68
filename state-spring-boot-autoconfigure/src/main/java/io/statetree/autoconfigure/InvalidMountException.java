package io.statetree.autoconfigure;

import io.statetree.core.StateException;
import org.jspecify.annotations.Nullable;

/**
 * The {@code statetree.mounts.*} properties are invalid: a mount without a path or backend, a
 * path that is not valid, the root, or that repeats or contains another mount's path.
 */
public class InvalidMountException extends StateException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final String reason;

	/**
	 * Creates the exception.
	 * @param property the offending property, e.g. {@code statetree.mounts.users.path}
	 * @param reason what is wrong
	 * @param cause the underlying failure, or {@code null}
	 */
	public InvalidMountException(String property, String reason, @Nullable Throwable cause) {
		super(property + " " + reason, cause);
		this.property = property;
		this.reason = reason;
	}

	/**
	 * Returns the offending property.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Returns what is wrong.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
