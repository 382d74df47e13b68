package io.statetree.autoconfigure.console;

/**
 * Thrown at start-up when the console is enabled in an application without Spring Security: the
 * console would serve the tree, and let it be edited, without authentication.
 */
final class ConsoleWithoutSecurityException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	ConsoleWithoutSecurityException() {
		super("statetree.console.enabled is true but Spring Security is not on the classpath: the StateTree "
				+ "console would serve the tree to anyone, unauthenticated");
	}

}
