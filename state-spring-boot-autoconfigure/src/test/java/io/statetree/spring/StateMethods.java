package io.statetree.spring;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finds the {@link InvalidStateMethodException} behind a failure.
 */
final class StateMethods {

	private StateMethods() {
	}

	static InvalidStateMethodException invalid(Throwable failure) {
		assertThat(failure).as("failure").isNotNull();
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (candidate instanceof InvalidStateMethodException invalid) {
				return invalid;
			}
		}
		throw new AssertionError("No InvalidStateMethodException behind " + failure, failure);
	}

}
