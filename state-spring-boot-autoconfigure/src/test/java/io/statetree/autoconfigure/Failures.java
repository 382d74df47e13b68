package io.statetree.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finds the cause of a start-up failure (shared by the auto-configuration tests of every sub-package).
 */
public final class Failures {

	private Failures() {
	}

	/**
	 * Finds the first throwable of a type in a failure's cause chain, failing when there is none.
	 * @param failure the failure
	 * @param type the type
	 * @param <T> the type
	 * @return the throwable
	 */
	public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
		assertThat(failure).as("start-up failure").isNotNull();
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (type.isInstance(candidate)) {
				return type.cast(candidate);
			}
		}
		throw new AssertionError("No " + type.getName() + " in the causes of " + failure, failure);
	}

}
