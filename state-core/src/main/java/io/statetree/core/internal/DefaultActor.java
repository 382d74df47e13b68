package io.statetree.core.internal;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who writes when a write's options name no one: the builder's default actor, asked on the
 * writer's thread and held to {@code WriteOptions.actor}'s rules without failing the write.
 * Immutable; thread-safe as far as the supplier is.
 */
final class DefaultActor {

	/** The controller's log category, where these lines have always been. */
	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	/** The longest actor name, in chars; a longer one is cut. */
	private static final int MAX_LENGTH = 256;

	private final @Nullable Supplier<@Nullable String> supplier;

	/**
	 * @param supplier the builder's default actor, or null for no one
	 */
	DefaultActor(@Nullable Supplier<@Nullable String> supplier) {
		this.supplier = supplier;
	}

	/**
	 * The actor of a commit: the explicit one when given, else the default one.
	 * @param explicit the actor the write's options name, or null
	 * @return the actor, or null for no one
	 */
	@Nullable String resolve(@Nullable String explicit) {
		return (explicit != null) ? explicit : ask();
	}

	/**
	 * The default actor, asked on the writer's thread: a throw or a blank name counts as none, a
	 * longer name is cut to 256 characters (not inside a surrogate pair).
	 */
	private @Nullable String ask() {
		Supplier<@Nullable String> asked = this.supplier;
		if (asked == null) {
			return null;
		}
		try {
			String name = asked.get();
			if (name != null && name.length() > MAX_LENGTH) {
				name = name.substring(0, Character.isHighSurrogate(name.charAt(MAX_LENGTH - 1)) ? MAX_LENGTH - 1
						: MAX_LENGTH);
			}
			return (name == null || name.isBlank()) ? null : name;
		}
		catch (RuntimeException ex) {
			logger.debug("StateTree default actor supplier failed; the commit has no actor", ex);
			return null;
		}
	}

}
